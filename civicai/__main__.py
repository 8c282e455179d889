from civicai.cli import main

raise SystemExit(main())
