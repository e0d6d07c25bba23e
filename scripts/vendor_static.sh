#!/bin/sh
# Copy the compiled NHS.UK frontend from node_modules into static/vendor/nhsuk,
# so that Django serves it like any other static file: no CDN, nothing
# fetched at run time. Run from the repository root after `npm ci`
# (`make static` does both).
#
# Two edits to the published CSS, both so that the page needs nothing from
# outside our own origin (a strict Content-Security-Policy forbids it):
#   - drop the @font-face rules that load the Frutiger web font from
#     assets.nhs.uk. Frutiger is licensed for NHS services only and we are
#     not one; the stylesheet already falls back to Arial.
#   - point the icon URLs, published as /assets/images/…, at our own copy
#     next to the stylesheet.
# Source map comments are removed too: we do not ship the maps, and
# Django's ManifestStaticFilesStorage fails on a reference to a missing file.
set -eu

src=node_modules/nhsuk-frontend/dist/nhsuk
dest=static/vendor/nhsuk

if [ ! -f "$src/nhsuk-frontend.min.css" ]; then
    echo "vendor_static.sh: $src not found; run 'npm ci' first (or 'make static')." >&2
    exit 1
fi

rm -rf "$dest"
mkdir -p "$dest/assets/images"

sed -e 's#@font-face{[^}]*}##g' \
    -e 's#url(/assets/#url(assets/#g' \
    -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
    "$src/nhsuk-frontend.min.css" >"$dest/nhsuk-frontend.min.css"

# The bundle is an ES module that exports initAll(); static/js/coproduce.js
# imports it.
sed -e 's#//\# sourceMappingURL=.*$##' \
    "$src/nhsuk-frontend.min.js" >"$dest/nhsuk-frontend.min.js"

# Copy exactly the images the stylesheet refers to (no NHS logo or favicons).
for image in $(grep -o 'url(assets/images/[^)]*)' "$dest/nhsuk-frontend.min.css" |
    sed -e 's#^url(assets/images/##' -e 's#)$##' | sort -u); do
    cp "$src/assets/images/$image" "$dest/assets/images/$image"
done

# Fail loudly if a new release brings back something fetched from elsewhere.
if grep -q -e 'https\?://' -e 'url(/' "$dest/nhsuk-frontend.min.css"; then
    echo "vendor_static.sh: the NHS.UK stylesheet still refers to an external or absolute URL:" >&2
    grep -o -e 'url([^)]*)' "$dest/nhsuk-frontend.min.css" | grep -e 'https\?://' -e 'url(/' >&2
    exit 1
fi
if grep -q 'sourceMappingURL' "$dest/nhsuk-frontend.min.css" "$dest/nhsuk-frontend.min.js"; then
    echo "vendor_static.sh: a source map reference survived; see the sed lines above." >&2
    exit 1
fi

version=$(sed -n 's/^ *"version": "\(.*\)",$/\1/p' node_modules/nhsuk-frontend/package.json | head -n 1)
echo "Copied NHS.UK frontend $version into $dest"
