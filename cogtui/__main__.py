from cogtui.cli import main

raise SystemExit(main())
