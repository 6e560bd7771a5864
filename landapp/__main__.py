from landapp.cli import main

raise SystemExit(main())
