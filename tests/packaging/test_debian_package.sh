#!/usr/bin/env bash
# Builds the Debian package of a build folder with cpack, extracts it into a temporary root and
# checks it: the files it installs, its metadata (desktop entry, AppStream, Depends), and that
# its programs run from the extracted tree and find the data and the module shipped beside them.
#
# usage: test_debian_package.sh BUILD_DIR CPACK VERSION BUILD_TREE_NWC
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 BUILD_DIR CPACK VERSION BUILD_TREE_NWC" >&2
  exit 2
fi
build_dir=$1
cpack=$2
version=$3
build_tree_nwc=$4

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() {
  echo "ok: $*"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/nwc-packaging.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Nothing the programs run here may write into the user's cache or settings.
export HOME=$work/home XDG_CACHE_HOME=$work/cache XDG_CONFIG_HOME=$work/config
mkdir -p "$HOME"

# --- Build and extract ---------------------------------------------------------------------------
start=$(date +%s)
if ! (cd "$build_dir" && "$cpack" -G DEB -B "$work/out" > "$work/cpack.log" 2>&1); then
  cat "$work/cpack.log" >&2
  echo "FAIL: cpack -G DEB failed" >&2
  exit 1
fi
shopt -s nullglob
packages=("$work"/out/*.deb)
if [ ${#packages[@]} -ne 1 ]; then
  echo "FAIL: expected one .deb in $work/out, found ${#packages[@]}" >&2
  exit 1
fi
package=${packages[0]}
echo "package: $(basename "$package"), $(du -k "$package" | cut -f1) KiB," \
  "built in $(($(date +%s) - start)) s"
root=$work/root
dpkg-deb -x "$package" "$root"

# --- Files ---------------------------------------------------------------------------------------
expect_file() {
  if [ -f "$root/$1" ]; then pass "$1"; else fail "the package lacks $1"; fi
}
expect_executable() {
  if [ -x "$root/$1" ]; then pass "$1 (executable)"; else fail "the package lacks program $1"; fi
}
expect_executable usr/bin/nwc
expect_executable usr/bin/nwc-workbench
expect_file usr/share/applications/nwc-workbench.desktop
expect_file usr/share/metainfo/org.nwcworkbench.NwcWorkbench.metainfo.xml
expect_file usr/share/icons/hicolor/scalable/apps/nwc-workbench.svg
for size in 16 32 48 64 128 256; do
  expect_file "usr/share/icons/hicolor/${size}x${size}/apps/nwc-workbench.png"
  icon=$root/usr/share/icons/hicolor/${size}x${size}/apps/nwc-workbench.png
  if [ -f "$icon" ] && command -v file > /dev/null; then
    file "$icon" | grep -q "PNG image data, $size x $size" || fail "$icon is not a $size px PNG"
  fi
done
expect_file usr/share/man/man1/nwc.1.gz
expect_file usr/share/doc/nwc-workbench/copyright
expect_file usr/share/man/man1/nwc-workbench.1.gz
for model in student teacher; do
  for name in config.json model.safetensors tokenizer.json; do
    expect_file "usr/share/nwc-workbench/demo/$model/$name"
  done
done
expect_file usr/share/nwc-workbench/demo/heldout.txt
expect_file usr/share/nwc-workbench/demo/arithmetic_qa.jsonl
codecs=("$root"/usr/share/nwc-workbench/codecs/*.h5)
if [ ${#codecs[@]} -gt 0 ]; then
  pass "usr/share/nwc-workbench/codecs (${#codecs[@]} codecs)"
else
  fail "the package holds no codec in usr/share/nwc-workbench/codecs"
fi
# lib/nwc-workbench, or lib/<multiarch>/nwc-workbench when configured with the prefix /usr.
mapfile -t bridges < <(find "$root/usr/lib" -path '*/nwc-workbench/libnwc_spm_bridge.so')
if [ ${#bridges[@]} -eq 1 ]; then
  bridge=${bridges[0]}
  pass "${bridge#"$root"/}"
else
  bridge=
  fail "expected one libnwc_spm_bridge.so under usr/lib, found ${#bridges[@]}"
fi

# The manual pages are gzip'ed groff man pages documenting every command of 'nwc --help'.
man_page=$root/usr/share/man/man1/nwc.1.gz
if [ -f "$man_page" ]; then
  gzip -dc "$man_page" > "$work/nwc.1"
  grep -q '^\.TH NWC 1' "$work/nwc.1" || fail "nwc.1 has no .TH NWC 1 header"
  commands=$("$root/usr/bin/nwc" --help | awk '/^Commands:/ { listing = 1; next }
                                               listing && NF == 0 { exit }
                                               listing { print $1 }')
  [ -n "$commands" ] || fail "'nwc --help' lists no commands"
  for command in $commands; do
    # Headings read .SS "nwc train\-demo \fR[..."; groff writes a hyphen as \-.
    heading=".SS \"nwc ${command//-/\\-} "
    section=$(heading=$heading awk 'index($0, ENVIRON["heading"]) == 1 { inside = 1; next }
                                    /^\.S[SH] / { inside = 0 }
                                    inside' "$work/nwc.1")
    if [ -z "$section" ]; then
      fail "the manual page nwc.1 does not document 'nwc $command'"
      continue
    fi
    options=$("$root/usr/bin/nwc" "$command" --help | grep -oE '^ +(-[a-z], )?--[a-z-]+' |
      grep -oE -- '--[a-z-]+' | grep -vx -- --help) || true
    for option in $options; do
      grep -qF -- "${option//-/\\-}" <<< "$section" ||
        fail "nwc.1 does not document 'nwc $command $option'"
    done
  done
  pass "nwc.1 documents the $(wc -w <<< "$commands") commands of 'nwc --help' and their options"
fi

# --- Metadata ------------------------------------------------------------------------------------
if command -v desktop-file-validate > /dev/null; then
  if output=$(desktop-file-validate "$root/usr/share/applications/nwc-workbench.desktop" 2>&1) &&
    [ -z "$output" ]; then
    pass "desktop-file-validate"
  else
    fail "desktop-file-validate: $output"
  fi
else
  echo "skip: desktop-file-validate is not installed (Debian package desktop-file-utils)"
fi
if command -v appstreamcli > /dev/null; then
  if output=$(appstreamcli validate --no-net \
    "$root/usr/share/metainfo/org.nwcworkbench.NwcWorkbench.metainfo.xml" 2>&1); then
    pass "appstreamcli validate --no-net"
  else
    fail "appstreamcli validate --no-net: $output"
  fi
else
  echo "skip: appstreamcli is not installed (Debian package appstream)"
fi

field() { dpkg-deb -f "$package" "$1"; }
[ "$(field Package)" = nwc-workbench ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', expected $version"
[ -n "$(field Maintainer)" ] || fail "the package has no Maintainer"
depends=$(field Depends)
echo "Depends: $depends"
# Computed by dpkg-shlibdeps (Qt, LibTorch, and SentencePiece through the dlopen'ed module),
# and added by hand (loaded at run time only).
for dependency in libqt6core6 libqt6widgets6 libtorch libsentencepiece0 qt6-qpa-plugins \
  libopenblas0-pthread; do
  case ", $depends" in
  *", $dependency"*) pass "Depends names $dependency" ;;
  *) fail "Depends lacks $dependency" ;;
  esac
done

case "$(field Recommends)" in
*qt6-translations-l10n*) pass "Recommends names qt6-translations-l10n" ;;
*) fail "Recommends lacks qt6-translations-l10n (Qt's German catalog)" ;;
esac

# --- The programs, run from the extracted tree ---------------------------------------------------
if info=$("$root/usr/bin/nwc" info demo:teacher 2>&1); then
  expected=$("$build_tree_nwc" info demo:teacher 2>&1) || fail "the build tree's nwc failed"
  echo "$info" | sed -n '1,8p'
  grep -q '^architecture  *LlamaForCausalLM$' <<< "$info" || fail "no architecture line"
  grep -Eq '^parameters  *[0-9]+ stored in [0-9]+ tensors' <<< "$info" || fail "no parameter line"
  if [ "$info" = "$expected" ]; then
    pass "nwc info demo:teacher prints what the build tree's nwc prints"
  else
    fail "nwc info demo:teacher differs from the build tree's:"
    diff <(echo "$expected") <(echo "$info") >&2 || true
  fi
else
  fail "nwc info demo:teacher failed: $info"
fi

version_line=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/nwc-workbench" --version \
  2> "$work/workbench.log") || true
if [ "$version_line" = "nwc-workbench $version" ]; then
  pass "nwc-workbench --version"
else
  fail "nwc-workbench --version printed '$version_line'" "$(cat "$work/workbench.log")"
fi

# Relocation: the codec ladder is read from the extracted tree. A damaged codec planted there
# must be the one the packaged nwc reports (from the build tree it would read resources/codecs).
planted=$root/usr/share/nwc-workbench/codecs/zz-planted.h5
echo "not a codec file" > "$planted"
if output=$("$root/usr/bin/nwc" compress demo:student --bits 4 -o "$work/planted.nwc" 2>&1); then
  fail "nwc compress accepted the damaged codec file $planted"
elif grep -qF "$planted" <<< "$output"; then
  pass "nwc reads the codec ladder beside itself ($output)"
else
  fail "nwc compress did not read the codecs beside it: $output"
fi
rm -f "$planted"

# Relocation: the SentencePiece module is loaded from the extracted tree (the dynamic loader
# names each file it loads). The tokenizer file is not a model, which the module reports.
if [ -n "$bridge" ]; then
  printf '\001\002garbage' > "$work/tokenizer.model"
  output=$(LD_DEBUG=files "$root/usr/bin/nwc" info demo:student \
    --tokenizer "$work/tokenizer.model" 2>&1) || true
  if grep -qF "file=$bridge [" <<< "$output"; then
    pass "nwc loads ${bridge#"$root"/}"
  else
    fail "nwc did not load $bridge:" "$(grep -E 'spm_bridge|nwc: error' <<< "$output")"
  fi
  grep -q "not a SentencePiece model" <<< "$output" ||
    fail "the packaged module did not read the tokenizer:" "$(grep 'nwc: error' <<< "$output")"
fi

echo "total $(($(date +%s) - start)) s"
if [ $failures -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
