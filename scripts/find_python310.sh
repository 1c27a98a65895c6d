#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains why there is none.
# Rasa 3.6 requires Python <3.11: pip on 3.11 silently resolves an ancient Rasa.
set -u
candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
candidates+=(python3.10)
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root 2>/dev/null)
  for d in "$root"/versions/3.10*; do [ -x "$d/bin/python3.10" ] && candidates+=("$d/bin/python3.10"); done
fi
for d in /root/.pyenv/versions/3.10* /usr/local/bin /usr/bin; do
  [ -x "$d/python3.10" ] && candidates+=("$d/python3.10")
  [ -x "$d/bin/python3.10" ] && candidates+=("$d/bin/python3.10")
done
for c in "${candidates[@]}"; do
  p=$(command -v "$c" 2>/dev/null) || continue
  if "$p" -c 'import sys; sys.exit(0 if sys.version_info[:2]==(3,10) else 1)' 2>/dev/null; then
    echo "$p"; exit 0
  fi
done
echo "ERROR: no Python 3.10 found (tried PATH and pyenv). Rasa 3.6.21 needs Python 3.10;" >&2
echo "       install it (e.g. 'pyenv install 3.10.13') or set PYTHON310=/path/to/python3.10." >&2
exit 1
