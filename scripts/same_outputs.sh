#!/bin/sh
# Build examples/ember-tide with SOURCE_DATE_EPOCH set on a base commit and on this tree,
# and compare every file the build wrote, byte for byte.
#   scripts/same_outputs.sh [BASE_COMMIT]   (default: main)
# The build records under .zinekit/ (manifests, result store) are left out: they hold
# a fingerprint of zinekit's own code, which differs between any two commits.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
base_commit=${1:-main}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'git -C "$here" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$here" worktree add --detach "$work/base" "$base_commit" >/dev/null 2>&1
[ -e "$work/base/zinekit/themes" ] || ln -s ../themes "$work/base/zinekit/themes"
build() {  # build TREE OUT
    cp -r "$here/examples/ember-tide" "$2-src"
    (cd "$1" && PYTHONPATH="$1" SOURCE_DATE_EPOCH=1700000000 "$python" -m zinekit build \
        "$2-src" --out "$2" -q)
}
build "$work/base" "$work/before"
build "$here" "$work/after"
cd "$work/before" && find . -type f ! -path './.zinekit/*' | sort > "$work/list-before"
cd "$work/after" && find . -type f ! -path './.zinekit/*' | sort > "$work/list-after"
diff "$work/list-before" "$work/list-after"
status=0
while read -r file; do
    cmp -s "$work/before/$file" "$work/after/$file" || { echo "differs: $file"; status=1; }
done < "$work/list-before"
[ $status -eq 0 ] && echo "$(wc -l < "$work/list-before") files, all byte-identical"
exit $status
