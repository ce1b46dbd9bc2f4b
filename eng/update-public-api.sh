#!/usr/bin/env bash
# Records every new public symbol of the shipped libraries in their PublicAPI.Unshipped.txt and drops removed ones; a
# removed symbol that was already shipped (PublicAPI.Shipped.txt) is recorded as a *REMOVED* line instead, so the break
# shows in review. Run after changing a public API, then review the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
for proj in src/*/*.csproj; do
  dir=$(dirname "$proj")
  unshipped="$dir/PublicAPI.Unshipped.txt"
  [ -f "$unshipped" ] || continue
  # Merges of parallel branches may leave duplicate lines: keep each symbol once.
  { head -n1 "$unshipped"; tail -n +2 "$unshipped" | grep -v '^$' | LC_ALL=C sort -u; } > "$unshipped.tmp" && mv "$unshipped.tmp" "$unshipped"
  for round in 1 2 3; do
    # Only this project's own diagnostics: a referenced project's missing symbols belong to its own file.
    out=$(dotnet build "$proj" -f net10.0 --no-incremental 2>&1 | grep -F "[$PWD/$proj" || true)
    added=$(printf '%s\n' "$out" | grep -oP "error RS0016: Symbol '\K.*(?=' is not part of the declared public API)" | sort -u || true)
    removed=$(printf '%s\n' "$out" | grep -oP "error RS0017: Symbol '\K.*(?=' is part of the declared API, but is either not public or could not be found)" | sort -u || true)
    [ -z "$added$removed" ] && break
    shipped_removed=$(printf '%s\n' "$removed" | grep -v '^$' | grep -xF -f <(tail -n +2 "$dir/PublicAPI.Shipped.txt"; echo '@@none@@') | sed 's/^/*REMOVED*/' || true)
    { head -n1 "$unshipped"; { tail -n +2 "$unshipped"; printf '%s\n' "$added" "$shipped_removed"; } | grep -v '^$' | grep -vxF -f <(printf '%s\n' "$removed" | grep -v '^$' || echo '@@none@@') | LC_ALL=C sort -u; } > "$unshipped.tmp"
    mv "$unshipped.tmp" "$unshipped"
  done
done
