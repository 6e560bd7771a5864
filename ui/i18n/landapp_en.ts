<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="zh_CN">
<context>
    <name>landapp</name>
    <message>
        <source> [只读]</source>
        <translation> [read-only]</translation>
    </message>
    <message>
        <source> · 整栋一个单元</source>
        <translation> · one whole-building unit</translation>
    </message>
    <message>
        <source> 万元/亩</source>
        <translation> (10k CNY)/mu</translation>
    </message>
    <message>
        <source> 亩</source>
        <translation> mu</translation>
    </message>
    <message>
        <source> 像素</source>
        <translation> px</translation>
    </message>
    <message>
        <source> 元/㎡·月</source>
        <translation> CNY/m²·month</translation>
    </message>
    <message>
        <source> 园区地图</source>
        <translation> park map</translation>
    </message>
    <message>
        <source> 招商地图</source>
        <translation> investment map</translation>
    </message>
    <message>
        <source>(不分组)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>(不导入)</source>
        <translation>(skip)</translation>
    </message>
    <message>
        <source>(不更新)</source>
        <translation>(ignore)</translation>
    </message>
    <message>
        <source>(不用)</source>
        <translation>(unused)</translation>
    </message>
    <message>
        <source>(全园区目标,本片区完成)</source>
        <translation> (park target, this zone's part)</translation>
    </message>
    <message>
        <source>(图形)</source>
        <translation>(shape)</translation>
    </message>
    <message>
        <source>(整栋,跨全部楼层)</source>
        <translation> (whole building)</translation>
    </message>
    <message>
        <source>(无)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>(无法识别,留空)</source>
        <translation>(unknown, leave empty)</translation>
    </message>
    <message>
        <source>(未填)</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>(未定)</source>
        <translation>(not decided)</translation>
    </message>
    <message>
        <source>(未选择)</source>
        <translation>(none chosen)</translation>
    </message>
    <message>
        <source>(此图层没有)</source>
        <translation>(none for this layer)</translation>
    </message>
    <message>
        <source>(此处没有要素)</source>
        <translation>(no feature here)</translation>
    </message>
    <message>
        <source>(示例园区副本)</source>
        <translation> (demo park copy)</translation>
    </message>
    <message>
        <source>(空)</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>(装修中)</source>
        <translation> (fitting out)</translation>
    </message>
    <message>
        <source>(还没有书签)</source>
        <translation>(no bookmarks yet)</translation>
    </message>
    <message>
        <source>--size 应为 宽x高,如 1920x1080(16–20000 像素)。</source>
        <translation>--size must be WxH such as 1920x1080 (16–20000 pixels).</translation>
    </message>
    <message>
        <source>:</source>
        <translation>: </translation>
    </message>
    <message>
        <source>;</source>
        <translation>; </translation>
    </message>
    <message>
        <source>&lt;打开工程&gt;</source>
        <translation>&lt;project opened&gt;</translation>
    </message>
    <message>
        <source>ArcGIS、QGIS 及各类国土软件</source>
        <translation>ArcGIS, QGIS and land-administration software</translation>
    </message>
    <message>
        <source>DXF(CAD)</source>
        <translation>DXF (CAD)</translation>
    </message>
    <message>
        <source>GBK(ArcGIS 及多数国产软件)</source>
        <translation>GBK (ArcGIS and most Chinese software)</translation>
    </message>
    <message>
        <source>GeoPackage 工程 (*.gpkg)</source>
        <translation>GeoPackage project (*.gpkg)</translation>
    </message>
    <message>
        <source>HTML 地图</source>
        <translation>the HTML map</translation>
    </message>
    <message>
        <source>JSON 有误:</source>
        <translation>Bad JSON: </translation>
    </message>
    <message>
        <source>KML(谷歌地球、奥维)</source>
        <translation>KML (Google Earth, 奥维)</translation>
    </message>
    <message>
        <source>PDF 标题</source>
        <translation>PDF title</translation>
    </message>
    <message>
        <source>PNG 只能画一栋建筑,请用 --building 指定,或输出 PDF。</source>
        <translation>A PNG holds one building: name it with --building, or write a PDF.</translation>
    </message>
    <message>
        <source>PNG 尺寸 宽x高(像素,默认 1920x1080)</source>
        <translation>PNG size WxH in pixels (default 1920x1080)</translation>
    </message>
    <message>
        <source>QGIS 样式</source>
        <translation>QGIS styles</translation>
    </message>
    <message>
        <source>QGIS、GDAL 直接打开</source>
        <translation>opens in QGIS and GDAL</translation>
    </message>
    <message>
        <source>UTF-8(QGIS,可存任何汉字)</source>
        <translation>UTF-8 (QGIS, holds every character)</translation>
    </message>
    <message>
        <source>WGS84 经纬度,网页地图与开发者</source>
        <translation>WGS84 degrees, for web maps and developers</translation>
    </message>
    <message>
        <source>X(北)</source>
        <translation>X (N)</translation>
    </message>
    <message>
        <source>Y(东)</source>
        <translation>Y (E)</translation>
    </message>
    <message>
        <source>land:土地供给清单;carriers:招商载体清单</source>
        <translation>land: land supply; carriers: investment carriers</translation>
    </message>
    <message>
        <source>landapp 未分类(新要素)</source>
        <translation>not classified by landapp (new feature)</translation>
    </message>
    <message>
        <source>landapp:园区土地与载体管理。
一个园区一个 GeoPackage 文件,QGIS 与 GDAL 也能打开。</source>
        <translation>landapp: land and carrier inventory for industrial parks.
One park is one GeoPackage file that QGIS and GDAL open too.</translation>
    </message>
    <message>
        <source>·整栋</source>
        <translation> · whole</translation>
    </message>
    <message>
        <source>一、主要指标</source>
        <translation>1. Key figures</translation>
    </message>
    <message>
        <source>一年内可招商</source>
        <translation>Available within 12 months</translation>
    </message>
    <message>
        <source>万元/亩</source>
        <translation> 10k CNY/mu</translation>
    </message>
    <message>
        <source>三、闲置土地处置</source>
        <translation>3. Idle land</translation>
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
        <source>不封顶</source>
        <translation>none</translation>
    </message>
    <message>
        <source>不画图例</source>
        <translation>no legend</translation>
    </message>
    <message>
        <source>不能删除</source>
        <translation>Cannot delete</translation>
    </message>
    <message>
        <source>不设</source>
        <translation>none</translation>
    </message>
    <message>
        <source>不透明度</source>
        <translation>Opacity</translation>
    </message>
    <message>
        <source>不限</source>
        <translation>any</translation>
    </message>
    <message>
        <source>专题样式</source>
        <translation>Thematic style</translation>
    </message>
    <message>
        <source>个数</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>书签名称(保存在工程中):</source>
        <translation>Bookmark name (kept in the project):</translation>
    </message>
    <message>
        <source>二、载体空置情况</source>
        <translation>2. Vacancy</translation>
    </message>
    <message>
        <source>五、土地供给机会清单</source>
        <translation>5. Land-supply list</translation>
    </message>
    <message>
        <source>产业方向</source>
        <translation>Industry</translation>
    </message>
    <message>
        <source>亩</source>
        <translation>mu</translation>
    </message>
    <message>
        <source>亩均税收</source>
        <translation>Tax</translation>
    </message>
    <message>
        <source>亩均论英雄评价</source>
        <translation>Per-mu evaluation</translation>
    </message>
    <message>
        <source>亩均评价</source>
        <translation>Per-mu evaluation</translation>
    </message>
    <message>
        <source>亩均评价分类(企业)</source>
        <translation>Per-mu classes (enterprises)</translation>
    </message>
    <message>
        <source>亩均评价分类(地块)</source>
        <translation>Per-mu classes (parcels)</translation>
    </message>
    <message>
        <source>亩均评价分类(家)</source>
        <translation>Per-mu classes (enterprises)</translation>
    </message>
    <message>
        <source>亩均评价方案</source>
        <translation>Per-mu evaluation scheme</translation>
    </message>
    <message>
        <source>仅地图上所选</source>
        <translation>Only the map selection</translation>
    </message>
    <message>
        <source>从 CDN 加载 Leaflet(文件更小,但需要联网)</source>
        <translation>Link Leaflet from a CDN (smaller file, needs the internet)</translation>
    </message>
    <message>
        <source>从 CDN 加载 Leaflet(默认内嵌)</source>
        <translation>link Leaflet from a CDN instead of inlining</translation>
    </message>
    <message>
        <source>从到期次日起登记一份新租约(原租约保留)</source>
        <translation>A new lease from the day after this one ends</translation>
    </message>
    <message>
        <source>从表格更新属性</source>
        <translation>Update attributes from a spreadsheet</translation>
    </message>
    <message>
        <source>从表格更新属性…</source>
        <translation>Update attributes from a spreadsheet…</translation>
    </message>
    <message>
        <source>他人的值</source>
        <translation>Theirs</translation>
    </message>
    <message>
        <source>他人的图形</source>
        <translation>Theirs</translation>
    </message>
    <message>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>企业</source>
        <translation>Enterprise</translation>
    </message>
    <message>
        <source>企业</source>
        <comment>Enterprises</comment>
        <translation>Enterprises</translation>
    </message>
    <message>
        <source>位置</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>低效</source>
        <translation>low efficiency</translation>
    </message>
    <message>
        <source>低效:属于这些类别</source>
        <translation>Low efficiency: in classes</translation>
    </message>
    <message>
        <source>低效企业</source>
        <translation>Low-efficiency firms</translation>
    </message>
    <message>
        <source>低效地块</source>
        <translation>Low-efficiency parcels</translation>
    </message>
    <message>
        <source>低效标记</source>
        <translation>Flags</translation>
    </message>
    <message>
        <source>作为标签页显示在地图旁</source>
        <translation>As a tab beside the map</translation>
    </message>
    <message>
        <source>使用权人</source>
        <translation>Land user</translation>
    </message>
    <message>
        <source>供地方式</source>
        <translation>Supply method</translation>
    </message>
    <message>
        <source>供地方式</source>
        <comment>Supply</comment>
        <translation>Supply</translation>
    </message>
    <message>
        <source>供地日期</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <source>供而未用</source>
        <translation>Supplied, not used</translation>
    </message>
    <message>
        <source>保存 PNG…</source>
        <translation>Save PNG…</translation>
    </message>
    <message>
        <source>保存为本工程的默认制图、审核人</source>
        <translation>Keep as this project's drafter and checker</translation>
    </message>
    <message>
        <source>保存到</source>
        <translation>Save to</translation>
    </message>
    <message>
        <source>保存失败</source>
        <translation>Save failed</translation>
    </message>
    <message>
        <source>保存工作月报</source>
        <translation>Save the monthly report</translation>
    </message>
    <message>
        <source>保存看板</source>
        <translation>Save dashboard</translation>
    </message>
    <message>
        <source>保留他人的</source>
        <translation>Keep theirs</translation>
    </message>
    <message>
        <source>修复所选</source>
        <translation>Fix selected</translation>
    </message>
    <message>
        <source>修改</source>
        <translation>changed</translation>
    </message>
    <message>
        <source>修改前</source>
        <translation>Before</translation>
    </message>
    <message>
        <source>修改记录</source>
        <translation>Edit history</translation>
    </message>
    <message>
        <source>元/㎡·月</source>
        <translation>CNY/m²·month</translation>
    </message>
    <message>
        <source>全园区</source>
        <translation>Whole park</translation>
    </message>
    <message>
        <source>全图</source>
        <translation>Full extent</translation>
    </message>
    <message>
        <source>全部图层</source>
        <translation>All layers</translation>
    </message>
    <message>
        <source>全部字段</source>
        <translation>All fields</translation>
    </message>
    <message>
        <source>全部片区</source>
        <translation>All zones</translation>
    </message>
    <message>
        <source>全部片区</source>
        <comment>all zones</comment>
        <translation>all zones</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All states</translation>
    </message>
    <message>
        <source>全部用我的</source>
        <translation>Take mine</translation>
    </message>
    <message>
        <source>六、图表</source>
        <translation>6. Charts</translation>
    </message>
    <message>
        <source>关于 landapp</source>
        <translation>About landapp</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>其他/未填</source>
        <translation>Other / empty</translation>
    </message>
    <message>
        <source>其他地块</source>
        <translation>Other parcels</translation>
    </message>
    <message>
        <source>其他建筑</source>
        <translation>Other buildings</translation>
    </message>
    <message>
        <source>内存不足,无法完成。</source>
        <translation>Not enough memory to finish.</translation>
    </message>
    <message>
        <source>内部地图的地块着色</source>
        <translation>parcel colours of the internal map</translation>
    </message>
    <message>
        <source>内部完整版</source>
        <translation>internal map</translation>
    </message>
    <message>
        <source>内部完整版(含状态、使用权人、空置率,标注“内部资料”)</source>
        <translation>Internal map (statuses, land users, vacancy; marked 内部资料)</translation>
    </message>
    <message>
        <source>内部完整版(地块状态、使用权人、空置率;标注“内部资料”);默认为对外招商版</source>
        <translation>the full internal map (statuses, land users, vacancy; marked 内部资料); the default is the public investor map</translation>
    </message>
    <message>
        <source>内部资料</source>
        <translation>INTERNAL</translation>
    </message>
    <message>
        <source>写入 QGIS 样式和工程</source>
        <translation>Write QGIS styles and project</translation>
    </message>
    <message>
        <source>写入工程</source>
        <translation>Writing to the project</translation>
    </message>
    <message>
        <source>几何</source>
        <translation>Geometry</translation>
    </message>
    <message>
        <source>出让年限</source>
        <translation>Term</translation>
    </message>
    <message>
        <source>分割</source>
        <translation>Split</translation>
    </message>
    <message>
        <source>分割:画一条线穿过所选(或线穿过的)地块或建筑,随当前图层</source>
        <translation>Split: draw a line across the selected (or crossed) parcels or buildings, on the active layer</translation>
    </message>
    <message>
        <source>分割只适用于地块和建筑图层,请先在图层面板中选择其一。</source>
        <translation>Split works on parcels and buildings; make one of them the active layer first.</translation>
    </message>
    <message>
        <source>分割线没有完整穿过任何地块。</source>
        <translation>The line does not cross any parcel completely.</translation>
    </message>
    <message>
        <source>分割线没有完整穿过任何建筑。</source>
        <translation>The line does not cross any building completely.</translation>
    </message>
    <message>
        <source>分层图</source>
        <translation>the stacking plan</translation>
    </message>
    <message>
        <source>分类方法</source>
        <translation>Classes by</translation>
    </message>
    <message>
        <source>分组</source>
        <translation>Group by</translation>
    </message>
    <message>
        <source>分组</source>
        <comment>Group</comment>
        <translation>Group</translation>
    </message>
    <message>
        <source>列与字段对应</source>
        <translation>Columns and fields</translation>
    </message>
    <message>
        <source>列出园区</source>
        <translation>List parks</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>删除</source>
        <comment>deleted</comment>
        <translation>deleted</translation>
    </message>
    <message>
        <source>删除书签</source>
        <translation>Delete bookmark</translation>
    </message>
    <message>
        <source>删除单元</source>
        <translation>Delete unit</translation>
    </message>
    <message>
        <source>删除所选类别</source>
        <translation>Remove class</translation>
    </message>
    <message>
        <source>删除所选要素</source>
        <translation>Delete selected features</translation>
    </message>
    <message>
        <source>删除此楼层</source>
        <translation>Delete this floor</translation>
    </message>
    <message>
        <source>到期</source>
        <translation>End</translation>
    </message>
    <message>
        <source>到期日</source>
        <translation>Lease ends</translation>
    </message>
    <message>
        <source>到期日期</source>
        <translation>End</translation>
    </message>
    <message>
        <source>制图</source>
        <translation>Drafter</translation>
    </message>
    <message>
        <source>制图人</source>
        <translation>drafter</translation>
    </message>
    <message>
        <source>前 20 行预览(请核对中文是否正常)</source>
        <translation>First 20 rows (check the Chinese text)</translation>
    </message>
    <message>
        <source>剩余(年)</source>
        <translation>Years left</translation>
    </message>
    <message>
        <source>加入当前选择</source>
        <translation>Add to selection</translation>
    </message>
    <message>
        <source>单位</source>
        <translation>Unit</translation>
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
        <source>单击逐点围成多边形,显示 ㎡ 与 亩</source>
        <translation>Click points round an area, shown in m² and mu</translation>
    </message>
    <message>
        <source>单击逐点测量距离,双击或右键结束(捕捉节点与边)</source>
        <translation>Click points to measure a distance; a double or right click ends it (snaps to vertices and edges)</translation>
    </message>
    <message>
        <source>占地面积</source>
        <translation>Footprint</translation>
    </message>
    <message>
        <source>历史地块(已注销)</source>
        <translation>Retired parcels (history)</translation>
    </message>
    <message>
        <source>原值</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>原值</source>
        <comment>Old</comment>
        <translation>Old</translation>
    </message>
    <message>
        <source>参评企业</source>
        <translation>Enterprises</translation>
    </message>
    <message>
        <source>双击一行在地图上定位该地块</source>
        <translation>Double-click a row to show the parcel on the map</translation>
    </message>
    <message>
        <source>发布(&amp;P)</source>
        <translation>&amp;Publish</translation>
    </message>
    <message>
        <source>发布内容</source>
        <translation>Publish</translation>
    </message>
    <message>
        <source>取地块/建筑面积</source>
        <translation>parcel/building area</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>取消正在进行的计算</source>
        <translation>Cancel the running work</translation>
    </message>
    <message>
        <source>叠加园区底图</source>
        <translation>show the park map raster</translation>
    </message>
    <message>
        <source>只发布本清单筛选出的地块或载体</source>
        <translation>publishes only what this list's filters choose</translation>
    </message>
    <message>
        <source>只报告一个片区</source>
        <translation>report one zone only</translation>
    </message>
    <message>
        <source>只看低效</source>
        <translation>Low efficiency only</translation>
    </message>
    <message>
        <source>只评价规上企业</source>
        <translation>Above-scale enterprises only</translation>
    </message>
    <message>
        <source>只选择此要素</source>
        <translation>Select only this feature</translation>
    </message>
    <message>
        <source>可收回日期</source>
        <translation>Reclaimable</translation>
    </message>
    <message>
        <source>可直接输入,如 EPSG:4545</source>
        <translation>You may type one, e.g. EPSG:4545</translation>
    </message>
    <message>
        <source>可离线打开的 HTML 地图</source>
        <translation>self-contained HTML map</translation>
    </message>
    <message>
        <source>可租(㎡)</source>
        <translation>Leasable (m²)</translation>
    </message>
    <message>
        <source>可租售(㎡)</source>
        <translation>Leasable (m²)</translation>
    </message>
    <message>
        <source>可租售面积</source>
        <translation>Leasable area</translation>
    </message>
    <message>
        <source>可租售面积</source>
        <comment>Available</comment>
        <translation>Available</translation>
    </message>
    <message>
        <source>可租售面积</source>
        <comment>Available area</comment>
        <translation>Available area</translation>
    </message>
    <message>
        <source>各片区空置率</source>
        <translation>Vacancy by zone</translation>
    </message>
    <message>
        <source>合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <source>合并后的地块沿用哪宗地块的属性?</source>
        <translation>Keep the attributes of which parcel?</translation>
    </message>
    <message>
        <source>合并后的建筑沿用哪栋建筑的属性?</source>
        <translation>Keep the attributes of which building?</translation>
    </message>
    <message>
        <source>合并地块</source>
        <translation>Merge parcels</translation>
    </message>
    <message>
        <source>合并建筑</source>
        <translation>Merge buildings</translation>
    </message>
    <message>
        <source>合并所选地块或建筑</source>
        <translation>Merge the selected parcels or buildings</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>否</source>
        <translation>no</translation>
    </message>
    <message>
        <source>四、本月盘活案件进展</source>
        <translation>4. Cases advanced this month</translation>
    </message>
    <message>
        <source>四至</source>
        <translation>Boundaries</translation>
    </message>
    <message>
        <source>园区</source>
        <translation>Park</translation>
    </message>
    <message>
        <source>园区底图</source>
        <translation>Park map</translation>
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
        <source>图层:</source>
        <translation>Layer:</translation>
    </message>
    <message>
        <source>图形</source>
        <translation>Shape</translation>
    </message>
    <message>
        <source>土地使用权人</source>
        <translation>Land user</translation>
    </message>
    <message>
        <source>土地供应与闲置(宗)</source>
        <translation>Land supply and idle land (parcels)</translation>
    </message>
    <message>
        <source>土地利用状况(宗)</source>
        <translation>Land use status (parcels)</translation>
    </message>
    <message>
        <source>在办</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>在地图或属性表中选择要素,这里显示其数量与面积。</source>
        <translation>Select features on the map or in the table to see their count and area here.</translation>
    </message>
    <message>
        <source>在当前选择中筛选</source>
        <translation>Within the selection</translation>
    </message>
    <message>
        <source>在线底图;amap 时坐标转为 GCJ-02</source>
        <translation>online basemap; amap puts the data in GCJ-02</translation>
    </message>
    <message>
        <source>在线底图无法连接,只显示已缓存的图块。</source>
        <translation>The online basemap cannot be reached; only cached tiles are shown.</translation>
    </message>
    <message>
        <source>地上建筑</source>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>地下层用负数:-1 即 B1</source>
        <translation>Basements are negative: -1 is B1</translation>
    </message>
    <message>
        <source>地图</source>
        <translation>Map</translation>
    </message>
    <message>
        <source>地图 PDF</source>
        <translation>map PDF</translation>
    </message>
    <message>
        <source>地图图片</source>
        <translation>map image</translation>
    </message>
    <message>
        <source>地图工具</source>
        <translation>Map tools</translation>
    </message>
    <message>
        <source>地块</source>
        <translation>Parcel</translation>
    </message>
    <message>
        <source>地块</source>
        <comment>Parcels</comment>
        <translation>Parcels</translation>
    </message>
    <message>
        <source>地块/建筑</source>
        <translation>Target</translation>
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
        <source>地块专题:status(状态,默认)、landuse(用地性质)、idle(闲置土地认定)、mu_class(亩均评价类别)</source>
        <translation>parcel theme: status (default), landuse, idle (idle-land status), mu_class (per-mu class)</translation>
    </message>
    <message>
        <source>地块名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>地块总面积</source>
        <translation>Parcel area</translation>
    </message>
    <message>
        <source>地块沿革</source>
        <translation>Lineage</translation>
    </message>
    <message>
        <source>地块状态</source>
        <translation>Parcel status</translation>
    </message>
    <message>
        <source>地块状态(默认 待供)</source>
        <translation>parcel status (default 待供)</translation>
    </message>
    <message>
        <source>地块编号</source>
        <translation>Parcel code</translation>
    </message>
    <message>
        <source>地块编号</source>
        <comment>Parcel</comment>
        <translation>Parcel</translation>
    </message>
    <message>
        <source>地块编号(可列多个,或重复本选项);按给出的顺序出图;不指定则输出全部地块</source>
        <translation>parcel codes (several, or repeat the option), in the order given; all parcels when absent</translation>
    </message>
    <message>
        <source>地块编号或建筑编号/名称</source>
        <translation>parcel code, or building code/name</translation>
    </message>
    <message>
        <source>地块面积</source>
        <translation>Parcel area</translation>
    </message>
    <message>
        <source>坐标系</source>
        <translation>CRS</translation>
    </message>
    <message>
        <source>坐标转为 GCJ-02(奥维、高德底图)</source>
        <translation>Coordinates in GCJ-02 (奥维, Amap basemaps)</translation>
    </message>
    <message>
        <source>基准</source>
        <translation>Benchmark</translation>
    </message>
    <message>
        <source>基准值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>填写承租企业即登记新租约</source>
        <translation>a tenant's name signs a new lease</translation>
    </message>
    <message>
        <source>增加类别</source>
        <translation>Add class</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>复制到剪贴板</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>复制单元格</source>
        <translation>Copy cell</translation>
    </message>
    <message>
        <source>复制坐标</source>
        <translation>Copy coordinates</translation>
    </message>
    <message>
        <source>复制所选行(含表头)</source>
        <translation>Copy the selected rows (with header)</translation>
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
        <source>天地图底图需要密钥(tk);请在工程设置里填写。</source>
        <translation>The Tianditu basemap needs your key (tk); set it in the project settings.</translation>
    </message>
    <message>
        <source>天地图需要密钥:请在“视图 → 天地图密钥…”中填写。</source>
        <translation>Tianditu needs a key: enter it under View → Tianditu key….</translation>
    </message>
    <message>
        <source>如 1001 或 1001,1101</source>
        <translation>e.g. 1001 or 1001,1101</translation>
    </message>
    <message>
        <source>如 C 或 C,D</source>
        <translation>e.g. C or C,D</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>字段对应(记住同类文件的设置)</source>
        <translation>Field mapping (remembered for this kind of file)</translation>
    </message>
    <message>
        <source>宗 地 图</source>
        <translation>PARCEL SHEET</translation>
    </message>
    <message>
        <source>宗 地 图(局部放大)</source>
        <translation>PARCEL SHEET (enlarged details)</translation>
    </message>
    <message>
        <source>宗 地 图(续)</source>
        <translation>PARCEL SHEET (continued)</translation>
    </message>
    <message>
        <source>宗地图</source>
        <translation>Parcel sheets</translation>
    </message>
    <message>
        <source>宗地图 PDF(所选或全部)…</source>
        <translation>Parcel sheets PDF (selection or all)…</translation>
    </message>
    <message>
        <source>宗地图 PDF(每宗一页 A4)</source>
        <translation>parcel sheets PDF (one A4 page per parcel)</translation>
    </message>
    <message>
        <source>宗地图打印预览</source>
        <translation>Parcel sheets — print preview</translation>
    </message>
    <message>
        <source>宗地图打印预览…</source>
        <translation>Parcel sheets print preview…</translation>
    </message>
    <message>
        <source>宗数</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>宗数</source>
        <comment>Parcels</comment>
        <translation>Parcels</translation>
    </message>
    <message>
        <source>审核</source>
        <translation>Checker</translation>
    </message>
    <message>
        <source>审核人</source>
        <translation>checker</translation>
    </message>
    <message>
        <source>容积率</source>
        <translation>FAR</translation>
    </message>
    <message>
        <source>容积率 下限–上限</source>
        <translation>FAR min–max</translation>
    </message>
    <message>
        <source>对外招商版</source>
        <translation>public investor map</translation>
    </message>
    <message>
        <source>对外招商版(只含机会清单,默认)</source>
        <translation>Public investor map (the lists only, default)</translation>
    </message>
    <message>
        <source>对外版发布的清单:土地、载体或两者</source>
        <translation>public map: publish the land list, the carriers or both</translation>
    </message>
    <message>
        <source>对应字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>导入为</source>
        <translation>Import as</translation>
    </message>
    <message>
        <source>导入为(新分类)</source>
        <translation>Import as (national code)</translation>
    </message>
    <message>
        <source>导入企业年度数据</source>
        <translation>Import yearly figures</translation>
    </message>
    <message>
        <source>导入企业数据…</source>
        <translation>Import figures…</translation>
    </message>
    <message>
        <source>导入到</source>
        <translation>Into</translation>
    </message>
    <message>
        <source>导入失败</source>
        <translation>Import failed</translation>
    </message>
    <message>
        <source>导入数据</source>
        <translation>Import data</translation>
    </message>
    <message>
        <source>导入数据</source>
        <comment>Importing data</comment>
        <translation>Importing data</translation>
    </message>
    <message>
        <source>导入数据…</source>
        <translation>Import data…</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>导出 CSV…</source>
        <translation>Export CSV…</translation>
    </message>
    <message>
        <source>导出 Excel…</source>
        <translation>Export Excel…</translation>
    </message>
    <message>
        <source>导出 HTML 地图</source>
        <translation>Export HTML map</translation>
    </message>
    <message>
        <source>导出 HTML 地图…</source>
        <translation>Export HTML map…</translation>
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
        <source>导出:机会清单、HTML 地图、宗地图、图层</source>
        <translation>export lists, HTML maps, parcel sheets, layers</translation>
    </message>
    <message>
        <source>导出分层图</source>
        <translation>Export stacking plan</translation>
    </message>
    <message>
        <source>导出图层</source>
        <translation>Export layer</translation>
    </message>
    <message>
        <source>导出图层</source>
        <comment>Exporting a layer</comment>
        <translation>Exporting a layer</translation>
    </message>
    <message>
        <source>导出图层…</source>
        <translation>Export layer…</translation>
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
        <source>导出完成</source>
        <translation>Export finished</translation>
    </message>
    <message>
        <source>导出宗地图</source>
        <translation>Export parcel sheets</translation>
    </message>
    <message>
        <source>导出招商地图</source>
        <translation>Export investor map</translation>
    </message>
    <message>
        <source>导出招商地图(HTML)…</source>
        <translation>Export investor map (HTML)…</translation>
    </message>
    <message>
        <source>导出机会清单</source>
        <translation>Export the list</translation>
    </message>
    <message>
        <source>导出表格</source>
        <translation>Export table</translation>
    </message>
    <message>
        <source>封顶倍数</source>
        <translation>Cap</translation>
    </message>
    <message>
        <source>层</source>
        <translation>storeys</translation>
    </message>
    <message>
        <source>层数</source>
        <translation>Storeys</translation>
    </message>
    <message>
        <source>层高</source>
        <translation>Height</translation>
    </message>
    <message>
        <source>层高(m)</source>
        <translation>Floor height (m)</translation>
    </message>
    <message>
        <source>属性</source>
        <translation>Attributes</translation>
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
        <source>工作月报</source>
        <translation>Monthly report</translation>
    </message>
    <message>
        <source>工作月报(Word .docx)</source>
        <translation>monthly work report (Word .docx)</translation>
    </message>
    <message>
        <source>工作月报(Word)…</source>
        <translation>Monthly report (Word)…</translation>
    </message>
    <message>
        <source>工具(&amp;T)</source>
        <translation>&amp;Tools</translation>
    </message>
    <message>
        <source>工具栏</source>
        <translation>Toolbars</translation>
    </message>
    <message>
        <source>工程不存在</source>
        <translation>Project not found</translation>
    </message>
    <message>
        <source>工程中没有可导出的地块。</source>
        <translation>The project has no parcels to export.</translation>
    </message>
    <message>
        <source>工程中没有可绘制的要素。</source>
        <translation>The project has nothing to draw.</translation>
    </message>
    <message>
        <source>工程坐标系,边界与编号注记分图层</source>
        <translation>project CRS, outlines and labels on their own layers</translation>
    </message>
    <message>
        <source>工程文件</source>
        <translation>the project file</translation>
    </message>
    <message>
        <source>工程概况</source>
        <translation>Project summary</translation>
    </message>
    <message>
        <source>已取消,工程未作任何修改。</source>
        <translation>Cancelled; the project is unchanged.</translation>
    </message>
    <message>
        <source>已取消,未写文件。</source>
        <translation>Cancelled; no file written.</translation>
    </message>
    <message>
        <source>已取消。</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <source>已售</source>
        <translation>sold</translation>
    </message>
    <message>
        <source>已并入 {}</source>
        <translation>merged into {}</translation>
    </message>
    <message>
        <source>已拆分为 {}</source>
        <translation>split into {}</translation>
    </message>
    <message>
        <source>已注销(历史)</source>
        <translation>Retired (history)</translation>
    </message>
    <message>
        <source>已租</source>
        <translation>leased</translation>
    </message>
    <message>
        <source>已租(㎡)</source>
        <translation>Leased (m²)</translation>
    </message>
    <message>
        <source>已超过目标日期</source>
        <translation>Past its target date</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>年</source>
        <translation> years</translation>
    </message>
    <message>
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>年度盘活</source>
        <translation>Revitalised this year</translation>
    </message>
    <message>
        <source>年度盘活目标</source>
        <translation>Campaign target</translation>
    </message>
    <message>
        <source>年度载体盘活目标完成情况</source>
        <translation>Revitalisation against the year's target</translation>
    </message>
    <message>
        <source>并且</source>
        <translation>AND</translation>
    </message>
    <message>
        <source>底图</source>
        <translation>Basemap</translation>
    </message>
    <message>
        <source>建筑</source>
        <translation>Building</translation>
    </message>
    <message>
        <source>建筑</source>
        <comment>Buildings</comment>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>建筑专题:vacancy(空置率,默认)、type(类型)、availability(一年内可招商比例)</source>
        <translation>building theme: vacancy (default), type, availability (within 12 months)</translation>
    </message>
    <message>
        <source>建筑密度</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <source>建筑数</source>
        <translation>Buildings</translation>
    </message>
    <message>
        <source>建筑编号或名称(可重复;缺省为全部楼宇和标准厂房,仅限 PDF)</source>
        <translation>building code or name (repeatable; default every tower and factory, PDF only)</translation>
    </message>
    <message>
        <source>建筑面积</source>
        <translation>Floor area</translation>
    </message>
    <message>
        <source>建筑面积</source>
        <comment>floor area</comment>
        <translation>floor area</translation>
    </message>
    <message>
        <source>当前状态</source>
        <translation>Current state</translation>
    </message>
    <message>
        <source>当前租约</source>
        <translation>Current lease</translation>
    </message>
    <message>
        <source>待供和储备</source>
        <translation>On offer and reserve</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>必填</source>
        <translation>is required</translation>
    </message>
    <message>
        <source>恢复默认布局</source>
        <translation>Restore default layout</translation>
    </message>
    <message>
        <source>我的值</source>
        <translation>Mine</translation>
    </message>
    <message>
        <source>我的图形</source>
        <translation>Mine</translation>
    </message>
    <message>
        <source>或亩均税收低于</source>
        <translation>or tax per mu below</translation>
    </message>
    <message>
        <source>或者</source>
        <translation>OR</translation>
    </message>
    <message>
        <source>截至该日可租售(含到期租约)</source>
        <translation>Available by (incl. leases ending)</translation>
    </message>
    <message>
        <source>所在片区</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>所画多边形自相交,请重画。</source>
        <translation>The polygon crosses itself; draw it again.</translation>
    </message>
    <message>
        <source>所选</source>
        <translation>selected</translation>
    </message>
    <message>
        <source>所选要素统计</source>
        <translation>Statistics of the selection</translation>
    </message>
    <message>
        <source>打印宗地图…</source>
        <translation>Print parcel sheets…</translation>
    </message>
    <message>
        <source>打开地图上识别或选中的建筑的分层图</source>
        <translation>Opens the building identified or selected on the map</translation>
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
        <source>打开文件夹</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>打开楼宇分层图</source>
        <translation>Open the stacking plan</translation>
    </message>
    <message>
        <source>批而未供</source>
        <translation>Approved, not supplied</translation>
    </message>
    <message>
        <source>找不到、重复、错误与换算</source>
        <translation>Unmatched, duplicates, errors and conversions</translation>
    </message>
    <message>
        <source>承租企业</source>
        <translation>Tenant</translation>
    </message>
    <message>
        <source>把 QGIS 样式(layer_styles)和 QGIS 工程写入工程文件</source>
        <translation>write QGIS styles (layer_styles) and a QGIS project into the project file</translation>
    </message>
    <message>
        <source>把园区地图渲染为 PNG 或 PDF(无需界面)</source>
        <translation>render the park map to PNG or PDF (headless)</translation>
    </message>
    <message>
        <source>把地图专题、标注和中文字段名写入工程文件,QGIS 打开时与 landapp 一致</source>
        <translation>Put the map themes, labels and Chinese field names into the project file for QGIS</translation>
    </message>
    <message>
        <source>投资强度</source>
        <translation>Investment</translation>
    </message>
    <message>
        <source>报告月份(默认工程参考日期所在月)</source>
        <translation>month reported (default: the month of the project's reference date)</translation>
    </message>
    <message>
        <source>拆分地块</source>
        <translation>Split parcels</translation>
    </message>
    <message>
        <source>拆分建筑</source>
        <translation>Split buildings</translation>
    </message>
    <message>
        <source>拉框放大</source>
        <translation>Zoom box</translation>
    </message>
    <message>
        <source>拓扑检查</source>
        <translation>Topology check</translation>
    </message>
    <message>
        <source>拓扑检查</source>
        <comment>Check topology</comment>
        <translation>Check topology</translation>
    </message>
    <message>
        <source>招商信息</source>
        <translation>On offer</translation>
    </message>
    <message>
        <source>招商地图</source>
        <translation>the investor map</translation>
    </message>
    <message>
        <source>指定地块编号(可列多个或重复)</source>
        <translation>chosen parcel codes (several, or repeat the option)</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>指标(得分 = Σ 权重 × min(指标值 / 基准值, 封顶倍数))</source>
        <translation>Indicators (score = Σ weight × min(value / benchmark, cap))</translation>
    </message>
    <message>
        <source>按企业</source>
        <translation>Enterprises</translation>
    </message>
    <message>
        <source>按勾选合并</source>
        <translation>Combine as ticked</translation>
    </message>
    <message>
        <source>按地块</source>
        <translation>Parcels</translation>
    </message>
    <message>
        <source>按地块状态着色</source>
        <translation>Parcels by status</translation>
    </message>
    <message>
        <source>按字段匹配</source>
        <translation>Match by</translation>
    </message>
    <message>
        <source>按属性选择</source>
        <translation>Select by attribute</translation>
    </message>
    <message>
        <source>按属性选择…</source>
        <translation>Select by attribute…</translation>
    </message>
    <message>
        <source>按得分分档(各类最低分)</source>
        <translation>By score (each class's minimum score)</translation>
    </message>
    <message>
        <source>按排名比例(各类累计比例)</source>
        <translation>By rank (cumulative share of the ranking)</translation>
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
        <source>按用地性质着色</source>
        <translation>Parcels by land use</translation>
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
        <source>按预计供地时间</source>
        <translation>By expected supply date</translation>
    </message>
    <message>
        <source>捕捉</source>
        <translation>Snapping</translation>
    </message>
    <message>
        <source>捕捉容差</source>
        <translation>Snapping tolerance</translation>
    </message>
    <message>
        <source>排名</source>
        <translation>Rank</translation>
    </message>
    <message>
        <source>推进…</source>
        <translation>Move on…</translation>
    </message>
    <message>
        <source>搜索供地地块或招商载体…</source>
        <translation>Search land on offer or carriers…</translation>
    </message>
    <message>
        <source>搜索地块编号(含图上短号)、名称、企业、楼宇…</source>
        <translation>Search parcel code (or label code), name, enterprise, building…</translation>
    </message>
    <message>
        <source>搜索地块编号、名称、使用权人或建筑…</source>
        <translation>Search parcel code, name, land user or building…</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>改为</source>
        <translation>Move to</translation>
    </message>
    <message>
        <source>改动(原值 → 新值)</source>
        <translation>Changes (old → new)</translation>
    </message>
    <message>
        <source>放大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>数据取自高德等 GCJ-02 地图,先纠偏为 WGS84</source>
        <translation>Data traced from a GCJ-02 map (Amap): correct it</translation>
    </message>
    <message>
        <source>数据库中的园区:</source>
        <translation>Parks in the database:</translation>
    </message>
    <message>
        <source>数据库密码</source>
        <translation>Database password</translation>
    </message>
    <message>
        <source>数据库连接(URI 或 service=名称;密码取自 .pgpass 或在此询问):</source>
        <translation>Database (URI or service=NAME; the password comes from .pgpass or is asked for):</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>整栋(跨全部楼层)</source>
        <translation>Whole building (every floor)</translation>
    </message>
    <message>
        <source>整栋一份租约(如标准厂房整栋租给一家企业)</source>
        <translation>One lease for the whole building (e.g. a factory let to one firm)</translation>
    </message>
    <message>
        <source>整栋出租…</source>
        <translation>Let whole…</translation>
    </message>
    <message>
        <source>整栋租约(整栋一份合同,修改对全部单元有效)</source>
        <translation>Whole-building lease (one contract for every unit)</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>文件没有坐标系信息,坐标也看不出属于哪个坐标系;请输入,如 EPSG:4544。</source>
        <translation>The file has no CRS and its coordinates do not reveal one; type one, e.g. EPSG:4544.</translation>
    </message>
    <message>
        <source>文件没有坐标系信息。下列候选是按坐标数值推测的(首选最可能的),请确认后再导入。</source>
        <translation>The file has no CRS. The candidates below are judged from the coordinates (most likely first); confirm before importing.</translation>
    </message>
    <message>
        <source>文字编码</source>
        <translation>Text encoding</translation>
    </message>
    <message>
        <source>新值</source>
        <translation>New</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>added</translation>
    </message>
    <message>
        <source>新增单元</source>
        <translation>Add unit</translation>
    </message>
    <message>
        <source>新增单元…</source>
        <translation>Add unit…</translation>
    </message>
    <message>
        <source>新增地块</source>
        <translation>Add parcel</translation>
    </message>
    <message>
        <source>新增建筑</source>
        <translation>Add building</translation>
    </message>
    <message>
        <source>新增楼层</source>
        <translation>Add floor</translation>
    </message>
    <message>
        <source>新增楼层…</source>
        <translation>Add floor…</translation>
    </message>
    <message>
        <source>新建案件…</source>
        <translation>New case…</translation>
    </message>
    <message>
        <source>新建盘活案件</source>
        <translation>New revitalisation case</translation>
    </message>
    <message>
        <source>新租约(填写承租企业即登记)</source>
        <translation>New lease (enter a tenant to sign one)</translation>
    </message>
    <message>
        <source>新选择</source>
        <translation>New selection</translation>
    </message>
    <message>
        <source>方案</source>
        <translation>Scheme</translation>
    </message>
    <message>
        <source>方案名称</source>
        <translation>Scheme name</translation>
    </message>
    <message>
        <source>无单元数据</source>
        <translation>No units</translation>
    </message>
    <message>
        <source>无数据</source>
        <translation>No data</translation>
    </message>
    <message>
        <source>无法保存</source>
        <translation>Cannot save</translation>
    </message>
    <message>
        <source>无法完成</source>
        <translation>Cannot do that</translation>
    </message>
    <message>
        <source>无法导入</source>
        <translation>Cannot import</translation>
    </message>
    <message>
        <source>无法打开工程</source>
        <translation>Cannot open the project</translation>
    </message>
    <message>
        <source>无法生成报告中的图片。</source>
        <translation>Cannot make the report's pictures.</translation>
    </message>
    <message>
        <source>无登记建筑。</source>
        <translation>No buildings recorded.</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Dates</translation>
    </message>
    <message>
        <source>是</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>更新</source>
        <translation>Update</translation>
    </message>
    <message>
        <source>更新图层</source>
        <translation>Layer</translation>
    </message>
    <message>
        <source>最低得分</source>
        <translation>Minimum score</translation>
    </message>
    <message>
        <source>最大面积(㎡)</source>
        <translation>maximum area (m²)</translation>
    </message>
    <message>
        <source>最大面积(亩)</source>
        <translation>maximum area (mu)</translation>
    </message>
    <message>
        <source>最小面积(㎡)</source>
        <translation>minimum area (m²)</translation>
    </message>
    <message>
        <source>最小面积(亩;载体为可租售面积)</source>
        <translation>minimum area (mu; carriers: available)</translation>
    </message>
    <message>
        <source>最近打开</source>
        <translation>Recent projects</translation>
    </message>
    <message>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>有目标日期</source>
        <translation>Has a target date</translation>
    </message>
    <message>
        <source>未分层</source>
        <translation>No floor</translation>
    </message>
    <message>
        <source>未划分单元</source>
        <translation>no units</translation>
    </message>
    <message>
        <source>未参评原因</source>
        <translation>Reason left out</translation>
    </message>
    <message>
        <source>未参评名单</source>
        <translation>Left out</translation>
    </message>
    <message>
        <source>未发现问题。</source>
        <translation>No problems found.</translation>
    </message>
    <message>
        <source>未更新的列:</source>
        <translation>Columns not updated: </translation>
    </message>
    <message>
        <source>未设</source>
        <translation>not set</translation>
    </message>
    <message>
        <source>未设目标</source>
        <translation>no target</translation>
    </message>
    <message>
        <source>未评价</source>
        <translation>Not evaluated</translation>
    </message>
    <message>
        <source>本月无案件推进记录。</source>
        <translation>No case advanced this month.</translation>
    </message>
    <message>
        <source>本期无认定闲置的土地。</source>
        <translation>No idle land.</translation>
    </message>
    <message>
        <source>机会清单</source>
        <translation>Opportunity lists</translation>
    </message>
    <message>
        <source>机会清单</source>
        <comment>the list</comment>
        <translation>the list</translation>
    </message>
    <message>
        <source>机会清单(XLSX、CSV 或 PDF)</source>
        <translation>opportunity list (XLSX, CSV or PDF)</translation>
    </message>
    <message>
        <source>机会清单…</source>
        <translation>Opportunity lists…</translation>
    </message>
    <message>
        <source>权重</source>
        <translation>Weight</translation>
    </message>
    <message>
        <source>条件</source>
        <translation>Where</translation>
    </message>
    <message>
        <source>标准厂房(棕色边框)</source>
        <translation>Standard factory (brown outline)</translation>
    </message>
    <message>
        <source>标准厂房与楼宇空置率</source>
        <translation>Vacancy by building type</translation>
    </message>
    <message>
        <source>标准厂房与楼宇空置率</source>
        <comment>Vacancy of factories and towers</comment>
        <translation>Vacancy of factories and towers</translation>
    </message>
    <message>
        <source>标准厂房和楼宇</source>
        <translation>Factories and office towers</translation>
    </message>
    <message>
        <source>标注</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>样式</source>
        <translation>Style</translation>
    </message>
    <message>
        <source>格式</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>检查</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>检查与导入报告</source>
        <translation>Check and import report</translation>
    </message>
    <message>
        <source>检查全部要素,不写入工程</source>
        <translation>Check every feature; write nothing</translation>
    </message>
    <message>
        <source>检查导入数据</source>
        <translation>Checking the import</translation>
    </message>
    <message>
        <source>检查已取消。</source>
        <translation>Check cancelled.</translation>
    </message>
    <message>
        <source>楼宇(深蓝粗边框)</source>
        <translation>Office tower (heavy navy outline)</translation>
    </message>
    <message>
        <source>楼宇分层图</source>
        <translation>Stacking plan</translation>
    </message>
    <message>
        <source>楼宇分层图(PDF 或 PNG)</source>
        <translation>stacking plan of a building (PDF or PNG)</translation>
    </message>
    <message>
        <source>楼层</source>
        <translation>Floor</translation>
    </message>
    <message>
        <source>楼层号</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>楼层名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>楼面荷载</source>
        <translation>Floor load</translation>
    </message>
    <message>
        <source>楼面荷载(t/㎡)</source>
        <translation>Floor load (t/m²)</translation>
    </message>
    <message>
        <source>正在写入工程…</source>
        <translation>Writing to the project…</translation>
    </message>
    <message>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <source>正在检查…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>正在生成…</source>
        <translation>Building…</translation>
    </message>
    <message>
        <source>正在计算…</source>
        <translation>Computing…</translation>
    </message>
    <message>
        <source>每行一个点:X(北坐标), Y(东坐标),如 3384637.61, 429977.28;
可从界址点坐标表粘贴(J1, X, Y)。按回车键完成图形。</source>
        <translation>One point a line: X (northing), Y (easting), e.g. 3384637.61, 429977.28;
rows of a boundary-point table (J1, X, Y) can be pasted. Press Enter to finish the shape.</translation>
    </message>
    <message>
        <source>比例尺</source>
        <translation>Scale</translation>
    </message>
    <message>
        <source>比例尺:输入如 1:2000 后按回车,或选择常用比例尺</source>
        <translation>Scale: type e.g. 1:2000 and press Enter, or pick a preset</translation>
    </message>
    <message>
        <source>没有单元数据。</source>
        <translation>No unit data.</translation>
    </message>
    <message>
        <source>没有可画分层图的建筑(需有单元)。</source>
        <translation>No building with units to draw.</translation>
    </message>
    <message>
        <source>没有找到</source>
        <translation>No match</translation>
    </message>
    <message>
        <source>没有要出图的地块。</source>
        <translation>There are no parcels to print.</translation>
    </message>
    <message>
        <source>没有要导出的分层图。</source>
        <translation>No stacking plan to export.</translation>
    </message>
    <message>
        <source>没有选中的要素。</source>
        <translation>Nothing is selected.</translation>
    </message>
    <message>
        <source>测量</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>测量距离</source>
        <translation>Measure distance</translation>
    </message>
    <message>
        <source>测量面积</source>
        <translation>Measure area</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>浮动窗口</source>
        <translation>Float in its own window</translation>
    </message>
    <message>
        <source>添加书签…</source>
        <translation>Add bookmark…</translation>
    </message>
    <message>
        <source>添加空间书签</source>
        <translation>Add spatial bookmark</translation>
    </message>
    <message>
        <source>添加空间书签…</source>
        <translation>Add spatial bookmark…</translation>
    </message>
    <message>
        <source>清单</source>
        <translation>List</translation>
    </message>
    <message>
        <source>清除选择</source>
        <translation>Clear selection</translation>
    </message>
    <message>
        <source>源图层</source>
        <translation>Source layer</translation>
    </message>
    <message>
        <source>源坐标系</source>
        <translation>Source CRS</translation>
    </message>
    <message>
        <source>源字段</source>
        <translation>Source field</translation>
    </message>
    <message>
        <source>源用地性质</source>
        <translation>Source land use</translation>
    </message>
    <message>
        <source>漫游</source>
        <translation>Pan</translation>
    </message>
    <message>
        <source>点击单元编辑单元与租约,点击左侧楼层号编辑楼层。</source>
        <translation>Click a unit to edit it and its lease; click a floor's name to edit the floor.</translation>
    </message>
    <message>
        <source>点号</source>
        <translation>Point</translation>
    </message>
    <message>
        <source>片区</source>
        <translation>Zone</translation>
    </message>
    <message>
        <source>片区</source>
        <comment>Zones</comment>
        <translation>Zones</translation>
    </message>
    <message>
        <source>片区</source>
        <comment>zone</comment>
        <translation>zone</translation>
    </message>
    <message>
        <source>片区(可重复)</source>
        <translation>zone (repeatable)</translation>
    </message>
    <message>
        <source>片区界线</source>
        <translation>Zone boundary</translation>
    </message>
    <message>
        <source>版本</source>
        <translation>Audience</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>状态</source>
        <comment>Status</comment>
        <translation>Status</translation>
    </message>
    <message>
        <source>状态为已租时请填写承租企业。</source>
        <translation>Enter the tenant of a leased unit.</translation>
    </message>
    <message>
        <source>生成宗地图</source>
        <translation>Making parcel sheets</translation>
    </message>
    <message>
        <source>生成机会清单</source>
        <translation>Building the opportunity list</translation>
    </message>
    <message>
        <source>用“识别”工具点击地图上的地块或建筑,在此查看其属性。</source>
        <translation>Click a parcel or building with the Identify tool to see its attributes here.</translation>
    </message>
    <message>
        <source>用地(亩)</source>
        <translation>Land (mu)</translation>
    </message>
    <message>
        <source>用地代码前缀,如 1001 或 M1;空为全部</source>
        <translation>land-use code prefix, e.g. 1001 or M1</translation>
    </message>
    <message>
        <source>用地性质</source>
        <translation>Land use</translation>
    </message>
    <message>
        <source>用地性质代码前缀,如 1001 或 M1</source>
        <translation>land-use code prefix, e.g. 1001 or M1</translation>
    </message>
    <message>
        <source>用地性质对照(旧代码、名称 → 国土空间用地分类)</source>
        <translation>Land-use values (old codes, names → national codes)</translation>
    </message>
    <message>
        <source>用我的</source>
        <translation>Use mine</translation>
    </message>
    <message>
        <source>由 {} 合并而成</source>
        <translation>merged from {}</translation>
    </message>
    <message>
        <source>由 {} 拆分而来</source>
        <translation>split from {}</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>界址点坐标表(CGCS2000,X 为北坐标,Y 为东坐标,单位:米)</source>
        <translation>Boundary points (X northing, Y easting, metres)</translation>
    </message>
    <message>
        <source>界址点坐标表(续)</source>
        <translation>Boundary points (continued)</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>留空则打印签名横线</source>
        <translation>blank: a line to sign on</translation>
    </message>
    <message>
        <source>登记处置…</source>
        <translation>Record disposal…</translation>
    </message>
    <message>
        <source>登记豁免</source>
        <translation>Record exemption</translation>
    </message>
    <message>
        <source>盘活方式</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>盘活案件</source>
        <translation>Revitalisation cases</translation>
    </message>
    <message>
        <source>盘活目标完成度</source>
        <translation>Revitalised against target</translation>
    </message>
    <message>
        <source>盘活面积</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>目标日期</source>
        <translation>Target date</translation>
    </message>
    <message>
        <source>相邻要素</source>
        <translation>Neighbours</translation>
    </message>
    <message>
        <source>着色</source>
        <translation>Colour</translation>
    </message>
    <message>
        <source>着色:status(状态,默认)或 expiry(租约剩余年限)</source>
        <translation>colour by status (default) or expiry</translation>
    </message>
    <message>
        <source>租约</source>
        <translation>Leases</translation>
    </message>
    <message>
        <source>租约到期分布(㎡)</source>
        <translation>Lease expiry (m²)</translation>
    </message>
    <message>
        <source>租约到期面积(㎡,自统计日起)</source>
        <translation>Lease expiry from the date (m²)</translation>
    </message>
    <message>
        <source>租约终止并留作历史,单元自所选日期起空置</source>
        <translation>The lease ends and stays as history; the unit is vacant from the chosen day</translation>
    </message>
    <message>
        <source>租约记录(含历史)</source>
        <translation>Leases (with history)</translation>
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
        <source>租金(元/㎡·月)</source>
        <translation>Rent (CNY/m²·month)</translation>
    </message>
    <message>
        <source>移到右侧栏</source>
        <translation>Move to the right side area</translation>
    </message>
    <message>
        <source>移到左侧栏</source>
        <translation>Move to the left side area</translation>
    </message>
    <message>
        <source>移到底部</source>
        <translation>Move to the bottom</translation>
    </message>
    <message>
        <source>移动所选</source>
        <translation>Move selection</translation>
    </message>
    <message>
        <source>空置</source>
        <translation>vacant</translation>
    </message>
    <message>
        <source>空置</source>
        <comment>Vacant</comment>
        <translation>Vacant</translation>
    </message>
    <message>
        <source>空置(㎡)</source>
        <translation>Vacant (m²)</translation>
    </message>
    <message>
        <source>空置率</source>
        <translation>Vacancy rate</translation>
    </message>
    <message>
        <source>空置率</source>
        <comment>Rate</comment>
        <translation>Rate</translation>
    </message>
    <message>
        <source>空置率</source>
        <comment>Vacancy</comment>
        <translation>Vacancy</translation>
    </message>
    <message>
        <source>空置率</source>
        <comment>vacancy</comment>
        <translation>vacancy</translation>
    </message>
    <message>
        <source>空间书签</source>
        <translation>Spatial bookmarks</translation>
    </message>
    <message>
        <source>立案日期</source>
        <translation>Opened</translation>
    </message>
    <message>
        <source>立盘活案件…</source>
        <translation>Open case…</translation>
    </message>
    <message>
        <source>筛选(输入文字)</source>
        <translation>Filter (type text)</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Class</translation>
    </message>
    <message>
        <source>类别(从高到低;最后一类不设门槛)</source>
        <translation>Classes (best first; the last has no threshold)</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>累计排名比例(%)</source>
        <translation>Cumulative share of ranking (%)</translation>
    </message>
    <message>
        <source>约定开工</source>
        <translation>Agreed start</translation>
    </message>
    <message>
        <source>约定竣工</source>
        <translation>Agreed completion</translation>
    </message>
    <message>
        <source>经纬度;奥维/高德底图请勾选 GCJ-02</source>
        <translation>degrees; tick GCJ-02 for 奥维 / Amap basemaps</translation>
    </message>
    <message>
        <source>统计工程概况</source>
        <translation>Summarising the project</translation>
    </message>
    <message>
        <source>统计所选</source>
        <translation>Selection statistics</translation>
    </message>
    <message>
        <source>统计日</source>
        <translation>As of</translation>
    </message>
    <message>
        <source>统计日</source>
        <comment>as of</comment>
        <translation>as of</translation>
    </message>
    <message>
        <source>统计日(默认工程参考日期或今天)</source>
        <translation>date (default: project reference date or today)</translation>
    </message>
    <message>
        <source>续签…</source>
        <translation>Renew…</translation>
    </message>
    <message>
        <source>续签租约(新租约)</source>
        <translation>Renewal (a new lease)</translation>
    </message>
    <message>
        <source>绿地率</source>
        <translation>Green</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>编号</source>
        <comment>Key</comment>
        <translation>Key</translation>
    </message>
    <message>
        <source>编号即表中序号;引线指向编号所属的位置</source>
        <translation>Numbers are the list's No.; a line leads to the place</translation>
    </message>
    <message>
        <source>编辑(&amp;E)</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>编辑冲突</source>
        <translation>Edit conflict</translation>
    </message>
    <message>
        <source>编辑历史</source>
        <translation>Edit history</translation>
    </message>
    <message>
        <source>编辑工具</source>
        <translation>Editing tools</translation>
    </message>
    <message>
        <source>编辑所选要素属性…</source>
        <translation>Edit attributes of the selection…</translation>
    </message>
    <message>
        <source>编辑此要素属性…</source>
        <translation>Edit this feature's attributes…</translation>
    </message>
    <message>
        <source>缩小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>缩放至图层</source>
        <translation>Zoom to layer</translation>
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
        <source>缩放至要素</source>
        <translation>Zoom to feature</translation>
    </message>
    <message>
        <source>缺省为 1F、B1 …</source>
        <translation>default 1F, B1 …</translation>
    </message>
    <message>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>自动(第一个面图层)</source>
        <translation>Automatic (first polygon layer)</translation>
    </message>
    <message>
        <source>自动修复无效多边形</source>
        <translation>Repair invalid polygons</translation>
    </message>
    <message>
        <source>自用/预留/无租约</source>
        <translation>Not leased</translation>
    </message>
    <message>
        <source>节点工具</source>
        <translation>Vertex tool</translation>
    </message>
    <message>
        <source>英文表头</source>
        <translation>English headers</translation>
    </message>
    <message>
        <source>范围</source>
        <translation>Scope</translation>
    </message>
    <message>
        <source>范围 minx,miny,maxx,maxy(工程坐标系,x 为东坐标)</source>
        <translation>extent minx,miny,maxx,maxy in the project CRS (x = easting)</translation>
    </message>
    <message>
        <source>蓝色:他人的图形;橙色:我的图形;虚线:修改前;灰色:相邻要素</source>
        <translation>Blue: theirs; orange: mine; dashed: before; grey: neighbours</translation>
    </message>
    <message>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>表格</source>
        <translation>the table</translation>
    </message>
    <message>
        <source>表格 (*.xlsx *.csv)</source>
        <translation>Spreadsheets (*.xlsx *.csv)</translation>
    </message>
    <message>
        <source>表格列</source>
        <translation>Column</translation>
    </message>
    <message>
        <source>表格文件</source>
        <translation>Spreadsheet</translation>
    </message>
    <message>
        <source>要导出的图层</source>
        <translation>Layer to export</translation>
    </message>
    <message>
        <source>要素</source>
        <translation>Feature</translation>
    </message>
    <message>
        <source>规下企业最少评价用地</source>
        <translation>Minimum evaluated land below scale</translation>
    </message>
    <message>
        <source>规划指标与供地信息</source>
        <translation>Planning indicators and supply</translation>
    </message>
    <message>
        <source>视图(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>计数</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>计算中…</source>
        <translation>Computing…</translation>
    </message>
    <message>
        <source>计算运营看板</source>
        <translation>Computing the dashboard</translation>
    </message>
    <message>
        <source>计算闲置土地</source>
        <translation>Computing idle land</translation>
    </message>
    <message>
        <source>认定阶段</source>
        <translation>Stage</translation>
    </message>
    <message>
        <source>记录人</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <source>设年度目标…</source>
        <translation>Set target…</translation>
    </message>
    <message>
        <source>评价方案…</source>
        <translation>Scheme…</translation>
    </message>
    <message>
        <source>评价用地分类(含下级代码)</source>
        <translation>Evaluated land uses (with sub-codes)</translation>
    </message>
    <message>
        <source>识别</source>
        <translation>Identify</translation>
    </message>
    <message>
        <source>该数据库中还没有园区;可用 landapp db push 上传。</source>
        <translation>This database has no park yet; upload one with landapp db push.</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>说明</source>
        <comment>Details</comment>
        <translation>Details</translation>
    </message>
    <message>
        <source>说明:</source>
        <translation>Note: </translation>
    </message>
    <message>
        <source>请先在分层图上点选要删除的单元。</source>
        <translation>Click the unit to delete on the plan first.</translation>
    </message>
    <message>
        <source>请先在地块或建筑图层选择两个以上相邻的要素。</source>
        <translation>Select two or more adjacent parcels or buildings first.</translation>
    </message>
    <message>
        <source>请先改正表格中的错误值</source>
        <translation>Correct the invalid values first</translation>
    </message>
    <message>
        <source>请先选中一个要重塑的要素。</source>
        <translation>Select the one feature to reshape first.</translation>
    </message>
    <message>
        <source>请至少选择一种地块状态。</source>
        <translation>Choose at least one parcel status.</translation>
    </message>
    <message>
        <source>请输入 postgresql:// 开头的连接或 service=名称。</source>
        <translation>Enter a postgresql:// URI or service=NAME.</translation>
    </message>
    <message>
        <source>请输入在天地图网站申请的密钥(tk):</source>
        <translation>Your Tianditu key (tk):</translation>
    </message>
    <message>
        <source>读取中…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>豁免</source>
        <translation>Exempt</translation>
    </message>
    <message>
        <source>豁免(政府原因等)</source>
        <translation>Exempt</translation>
    </message>
    <message>
        <source>豁免原因</source>
        <translation>Exemption</translation>
    </message>
    <message>
        <source>责任人</source>
        <translation>Responsible</translation>
    </message>
    <message>
        <source>起租</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>起租日期</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>跳过属性不合规的要素</source>
        <translation>Skip features with invalid values</translation>
    </message>
    <message>
        <source>跳过编号已存在的要素</source>
        <translation>Skip features whose code exists already</translation>
    </message>
    <message>
        <source>载体与盘活(&amp;R)</source>
        <translation>&amp;Space &amp;&amp; revitalisation</translation>
    </message>
    <message>
        <source>载体空置率</source>
        <translation>Vacancy</translation>
    </message>
    <message>
        <source>载体类型</source>
        <translation>Carrier type</translation>
    </message>
    <message>
        <source>载体类型:标准厂房、楼宇</source>
        <translation>carrier type: 标准厂房, 楼宇</translation>
    </message>
    <message>
        <source>输入坐标</source>
        <translation>Enter coordinates</translation>
    </message>
    <message>
        <source>输入坐标</source>
        <comment>Coordinates</comment>
        <translation>Coordinates</translation>
    </message>
    <message>
        <source>输入坐标点…</source>
        <translation>Enter a point by coordinates…</translation>
    </message>
    <message>
        <source>输出文件:PNG 图片,或带标题和图例的 A4 PDF</source>
        <translation>output file: a PNG image, or an A4 PDF page with title and legend</translation>
    </message>
    <message>
        <source>输出文件;多栋建筑的 PDF 每栋一页</source>
        <translation>output file; a PDF of several buildings has one page each</translation>
    </message>
    <message>
        <source>输出文件应以 .docx 结尾。</source>
        <translation>The output must end in .docx.</translation>
    </message>
    <message>
        <source>输出文件应以 .png 或 .pdf 结尾。</source>
        <translation>The output must end in .png or .pdf.</translation>
    </message>
    <message>
        <source>输出文件应以 .xlsx、.csv 或 .pdf 结尾。</source>
        <translation>The output must end in .xlsx, .csv or .pdf.</translation>
    </message>
    <message>
        <source>边长</source>
        <translation>Side</translation>
    </message>
    <message>
        <source>运营看板</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>运营看板</source>
        <comment>dashboard</comment>
        <translation>dashboard</translation>
    </message>
    <message>
        <source>运营看板图片</source>
        <translation>the dashboard picture</translation>
    </message>
    <message>
        <source>连接数据库</source>
        <translation>Connect to a database</translation>
    </message>
    <message>
        <source>连接数据库…</source>
        <translation>Connect to a database…</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>退租</source>
        <translation>End lease</translation>
    </message>
    <message>
        <source>退租日期</source>
        <translation>Vacant from</translation>
    </message>
    <message>
        <source>选择</source>
        <translation>Select</translation>
    </message>
    <message>
        <source>选择(&amp;S)</source>
        <translation>&amp;Selection</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>选择统计</source>
        <translation>Selection statistics</translation>
    </message>
    <message>
        <source>选择表格</source>
        <translation>Choose a spreadsheet</translation>
    </message>
    <message>
        <source>选择要导入的文件</source>
        <translation>Choose a file to import</translation>
    </message>
    <message>
        <source>道路</source>
        <translation>Road</translation>
    </message>
    <message>
        <source>道路</source>
        <comment>Roads</comment>
        <translation>Roads</translation>
    </message>
    <message>
        <source>避免重叠</source>
        <translation>Avoid overlaps</translation>
    </message>
    <message>
        <source>重做</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>重塑</source>
        <translation>Reshape</translation>
    </message>
    <message>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>闲置(疑似/可收回)</source>
        <translation>Idle</translation>
    </message>
    <message>
        <source>闲置土地</source>
        <translation>Idle land</translation>
    </message>
    <message>
        <source>闲置土地与批而未供</source>
        <translation>Idle and unsupplied land</translation>
    </message>
    <message>
        <source>闲置认定</source>
        <translation>Idle land</translation>
    </message>
    <message>
        <source>闲置费(万元)</source>
        <translation>Fee</translation>
    </message>
    <message>
        <source>闲置起算</source>
        <translation>Idle since</translation>
    </message>
    <message>
        <source>阶段</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>附图:园区现状总览</source>
        <translation>Map: overview</translation>
    </message>
    <message>
        <source>限高</source>
        <translation>Height</translation>
    </message>
    <message>
        <source>限高(m)</source>
        <translation>Height limit (m)</translation>
    </message>
    <message>
        <source>隐藏图层(zones roads parcels buildings)</source>
        <translation>layers to hide</translation>
    </message>
    <message>
        <source>面板</source>
        <translation>Panels</translation>
    </message>
    <message>
        <source>面积</source>
        <translation>Area</translation>
    </message>
    <message>
        <source>面积 · 空置率</source>
        <translation>Area · vacancy</translation>
    </message>
    <message>
        <source>面积(㎡)</source>
        <translation>Area (m²)</translation>
    </message>
    <message>
        <source>面积(亩)</source>
        <translation>Area (mu)</translation>
    </message>
    <message>
        <source>预检</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>预检(未写入):</source>
        <translation>Check (nothing written): </translation>
    </message>
    <message>
        <source>预留/装修</source>
        <translation>withheld</translation>
    </message>
    <message>
        <source>预计供地</source>
        <translation>Expected supply</translation>
    </message>
    <message>
        <source>预计供地时间</source>
        <translation>Expected supply</translation>
    </message>
    <message>
        <source>预计供地时间止 YYYY-MM-DD;载体:截至该日可租售(含到期租约)</source>
        <translation>expected supply until; carriers: available by (incl. leases ending)</translation>
    </message>
    <message>
        <source>预计供地时间起 YYYY-MM-DD</source>
        <translation>expected supply from</translation>
    </message>
</context>
</TS>
