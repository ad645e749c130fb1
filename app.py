"""Start the browser chat on 127.0.0.1:7860 with the embedded CPU defaults (see README)."""

import sys

from molly.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
