<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>landapp</name>
    <message>
        <source> 元/㎡·月</source>
        <translation> CNY/m²·month</translation>
    </message>
    <message>
        <source>(示例园区副本)</source>
        <translation> (demo park copy)</translation>
    </message>
    <message>
        <source>--bbox 应为 minx,miny,maxx,maxy 四个数,且 min 小于 max。</source>
        <translation>--bbox must be four numbers minx,miny,maxx,maxy with min below max.</translation>
    </message>
    <message>
        <source>--size 应为 宽x高,如 1920x1080(16–20000 像素)。</source>
        <translation>--size must be WxH such as 1920x1080 (16–20000 pixels).</translation>
    </message>
    <message>
        <source>GeoPackage 工程 (*.gpkg)</source>
        <translation>GeoPackage project (*.gpkg)</translation>
    </message>
    <message>
        <source>PDF 标题</source>
        <translation>PDF title</translation>
    </message>
    <message>
        <source>landapp:园区土地与载体管理。
一个园区一个 GeoPackage 文件,QGIS 与 GDAL 也能打开。</source>
        <translation>landapp: land and carrier inventory for industrial parks.
One park is one GeoPackage file that QGIS and GDAL open too.</translation>
    </message>
    <message>
        <source>上移图层</source>
        <translation>Move layer up</translation>
    </message>
    <message>
        <source>下移图层</source>
        <translation>Move layer down</translation>
    </message>
    <message>
        <source>不画图例</source>
        <translation>no legend</translation>
    </message>
    <message>
        <source>不透明度</source>
        <translation>Opacity</translation>
    </message>
    <message>
        <source>专题样式</source>
        <translation>Thematic style</translation>
    </message>
    <message>
        <source>亩</source>
        <translation>mu</translation>
    </message>
    <message>
        <source>企业</source>
        <translation>Enterprises</translation>
    </message>
    <message>
        <source>低效</source>
        <translation>low efficiency</translation>
    </message>
    <message>
        <source>全图</source>
        <translation>Full extent</translation>
    </message>
    <message>
        <source>全部字段</source>
        <translation>All fields</translation>
    </message>
    <message>
        <source>关于 landapp</source>
        <translation>About landapp</translation>
    </message>
    <message>
        <source>其他/未填</source>
        <translation>Other / empty</translation>
    </message>
    <message>
        <source>到期日期</source>
        <translation>End</translation>
    </message>
    <message>
        <source>单元</source>
        <translation>Units</translation>
    </message>
    <message>
        <source>单元编号</source>
        <translation>Unit code</translation>
    </message>
    <message>
        <source>叠加园区底图</source>
        <translation>show the park map raster</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>图例</source>
        <translation>Legend</translation>
    </message>
    <message>
        <source>图层</source>
        <translation>Layers</translation>
    </message>
    <message>
        <source>图片尺寸 宽x高(像素)</source>
        <translation>image size WxH in pixels</translation>
    </message>
    <message>
        <source>地图工具</source>
        <translation>Map tools</translation>
    </message>
    <message>
        <source>地块</source>
        <translation>Parcels</translation>
    </message>
    <message>
        <source>地块上没有登记建筑。</source>
        <translation>No buildings on this parcel.</translation>
    </message>
    <message>
        <source>地块上的建筑</source>
        <translation>Buildings on the parcel</translation>
    </message>
    <message>
        <source>地块专题:status(状态)或 landuse(用地性质)</source>
        <translation>parcel theme: status or landuse</translation>
    </message>
    <message>
        <source>地块总面积</source>
        <translation>Parcel area</translation>
    </message>
    <message>
        <source>天地图密钥</source>
        <translation>Tianditu key</translation>
    </message>
    <message>
        <source>天地图密钥…</source>
        <translation>Tianditu key…</translation>
    </message>
    <message>
        <source>宗数</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>导出 PDF…</source>
        <translation>Export PDF…</translation>
    </message>
    <message>
        <source>导出 PNG…</source>
        <translation>Export PNG…</translation>
    </message>
    <message>
        <source>导出分层图</source>
        <translation>Export stacking plan</translation>
    </message>
    <message>
        <source>导出地图 PDF</source>
        <translation>Export map PDF</translation>
    </message>
    <message>
        <source>导出地图(PDF)…</source>
        <translation>Export map as PDF…</translation>
    </message>
    <message>
        <source>导出地图图片</source>
        <translation>Export map image</translation>
    </message>
    <message>
        <source>导出地图图片(PNG)…</source>
        <translation>Export map as PNG…</translation>
    </message>
    <message>
        <source>导出失败</source>
        <translation>Export failed</translation>
    </message>
    <message>
        <source>层数</source>
        <translation>Storeys</translation>
    </message>
    <message>
        <source>属性信息</source>
        <translation>Feature info</translation>
    </message>
    <message>
        <source>属性表</source>
        <translation>Attribute table</translation>
    </message>
    <message>
        <source>工程中没有可绘制的要素。</source>
        <translation>The project has nothing to draw.</translation>
    </message>
    <message>
        <source>工程概况</source>
        <translation>Project summary</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>建筑</source>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>建筑专题:vacancy 或 type</source>
        <translation>building theme</translation>
    </message>
    <message>
        <source>打开工程</source>
        <translation>Open project</translation>
    </message>
    <message>
        <source>打开工程…</source>
        <translation>Open project…</translation>
    </message>
    <message>
        <source>承租企业</source>
        <translation>Tenant</translation>
    </message>
    <message>
        <source>把园区地图渲染为 PNG 或 PDF(无需界面)</source>
        <translation>render the park map to PNG or PDF (headless)</translation>
    </message>
    <message>
        <source>拉框放大</source>
        <translation>Zoom box</translation>
    </message>
    <message>
        <source>按状态</source>
        <translation>By status</translation>
    </message>
    <message>
        <source>按状态着色</source>
        <translation>coloured by status</translation>
    </message>
    <message>
        <source>按租约剩余年限</source>
        <translation>By years to expiry</translation>
    </message>
    <message>
        <source>按租约剩余年限着色</source>
        <translation>coloured by years to lease expiry</translation>
    </message>
    <message>
        <source>搜索地块编号、名称、企业…</source>
        <translation>Search parcel code, name, enterprise…</translation>
    </message>
    <message>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>无单元数据</source>
        <translation>No units</translation>
    </message>
    <message>
        <source>无法打开工程</source>
        <translation>Cannot open the project</translation>
    </message>
    <message>
        <source>未分层</source>
        <translation>No floor</translation>
    </message>
    <message>
        <source>未评价</source>
        <translation>Not evaluated</translation>
    </message>
    <message>
        <source>楼宇分层图</source>
        <translation>Stacking plan</translation>
    </message>
    <message>
        <source>比例尺</source>
        <translation>Scale</translation>
    </message>
    <message>
        <source>没有单元数据。</source>
        <translation>No unit data.</translation>
    </message>
    <message>
        <source>没有选中的要素。</source>
        <translation>Nothing is selected.</translation>
    </message>
    <message>
        <source>清除选择</source>
        <translation>Clear selection</translation>
    </message>
    <message>
        <source>漫游</source>
        <translation>Pan</translation>
    </message>
    <message>
        <source>片区</source>
        <translation>Zones</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>状态为已租时请填写承租企业。</source>
        <translation>Enter the tenant of a leased unit.</translation>
    </message>
    <message>
        <source>用“识别”工具点击地图上的地块或建筑,在此查看其属性。</source>
        <translation>Click a parcel or building with the Identify tool to see its attributes here.</translation>
    </message>
    <message>
        <source>着色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <source>租约</source>
        <translation>Leases</translation>
    </message>
    <message>
        <source>租赁面积</source>
        <translation>Leased area</translation>
    </message>
    <message>
        <source>租金</source>
        <translation>Rent</translation>
    </message>
    <message>
        <source>空置</source>
        <translation>Vacant</translation>
    </message>
    <message>
        <source>空置率</source>
        <translation>Vacancy</translation>
    </message>
    <message>
        <source>筛选(输入文字)</source>
        <translation>Filter (type text)</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>统计日</source>
        <translation>As of</translation>
    </message>
    <message>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>缩放至当前图层</source>
        <translation>Zoom to layer</translation>
    </message>
    <message>
        <source>缩放至所选</source>
        <translation>Zoom to selection</translation>
    </message>
    <message>
        <source>自用/预留/无租约</source>
        <translation>Not leased</translation>
    </message>
    <message>
        <source>范围 minx,miny,maxx,maxy(工程坐标系,x 为东坐标)</source>
        <translation>extent minx,miny,maxx,maxy in the project CRS (x = easting)</translation>
    </message>
    <message>
        <source>视图(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>识别</source>
        <translation>Identify</translation>
    </message>
    <message>
        <source>语言(&amp;L)</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>请输入在天地图网站申请的密钥(tk):</source>
        <translation>Your Tianditu key (tk):</translation>
    </message>
    <message>
        <source>起租日期</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>载体空置率</source>
        <translation>Vacancy</translation>
    </message>
    <message>
        <source>输出文件应以 .png 或 .pdf 结尾。</source>
        <translation>The output must end in .png or .pdf.</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>退租(今日终止租约)</source>
        <translation>End lease today</translation>
    </message>
    <message>
        <source>选择</source>
        <translation>Select</translation>
    </message>
    <message>
        <source>隐藏图层(zones roads parcels buildings)</source>
        <translation>layers to hide</translation>
    </message>
    <message>
        <source>面积</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>面积(亩)</source>
        <translation>Area (mu)</translation>
    </message>
</context>
</TS>
