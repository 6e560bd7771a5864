"""Start the landapp desktop app: python main.py [PROJECT.gpkg | postgresql://… | service=…] [--lang en]"""

import argparse
import sys

if __name__ == "__main__":
    ap = argparse.ArgumentParser(prog="main.py", description="landapp 园区土地与载体管理")
    ap.add_argument("project", nargs="?",
                    help="工程文件 .gpkg 或数据库 postgresql://user@host/db?schema=园区 / service=名称"
                         "(缺省打开示例园区) / project file or database")
    ap.add_argument("--lang", choices=["zh", "en"], default=None,
                    help="界面语言(缺省沿用上次的选择)/ language (default: the last one chosen)")
    args = ap.parse_args()
    from ui.app import run

    sys.exit(run(args.project, args.lang))
