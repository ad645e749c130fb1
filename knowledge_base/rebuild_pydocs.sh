#!/usr/bin/env bash
# Rebuild knowledge_base/pydocs-3.11/ from Debian's python3.11-doc HTML (changes nothing on the system),
# then re-embed the index. Needs the `kb` extra (beautifulsoup4, lxml) in the venv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-"$here/../.venv/bin/python"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download python3.11-doc && dpkg -x python3.11-doc_*.deb x)
html="$work/x/usr/share/doc/python3.11/html"
"$py" -m molly.ingest.pydocs "$html" "$here/pydocs-3.11"
cp "$html/objects.inv" "$here/pydocs-3.11/objects.inv"
"$py" -m molly.cli index build
