#!/usr/bin/env bash
# Builds what users install, into $DIST (default dist/):
#
#   build.sh package   .deb and .rpm for each architecture in PKG_ARCHES
#   build.sh release   empties $DIST, then: the packages; .tar.gz for
#                      linux/amd64 and linux/arm64; .zip for windows/amd64;
#                      SHA256SUMS over all of them (cd dist && sha256sum -c SHA256SUMS)
#
# Environment (the Makefile sets NFPM to the pinned nfpm it installs):
#   VERSION         stamped into the binary (-version); default: git describe
#   PKG_VERSION     the packages' version; default: derived from VERSION
#   PKG_ARCHES      default "amd64 arm64"
#   PKG_MAINTAINER  the packages' Maintainer field
#   SOURCE_DATE_EPOCH  file times in packages and archives; default: the
#                   last commit's time, so that the same commit gives the same files
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "build.sh: $*" >&2; exit 1; }

mode=${1:-}
[[ $mode == package || $mode == release ]] || fail "usage: build.sh package|release"

GO=${GO:-go}
NFPM=${NFPM:-}
[[ -x $NFPM ]] || fail "NFPM must name the nfpm binary (make package installs the pinned one into .tools/bin)"
DIST=${DIST:-dist}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
PKG_ARCHES=${PKG_ARCHES:-amd64 arm64}
PKG_MAINTAINER=${PKG_MAINTAINER:-telegraf-netbackup maintainers}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

# package_version turns a git-describe VERSION into a version that dpkg and rpm
# accept (it must start with a digit) and that sorts in commit order:
#   v1.2.3                 -> 1.2.3
#   v1.2.3-rc1             -> 1.2.3~rc1           (before 1.2.3)
#   v1.2.3-4-gabc1234      -> 1.2.3+4.gabc1234    (after 1.2.3)
#   abc1234 (no tag yet)   -> 0.0.0+<commits>.gabc1234
#   ...-dirty              -> ... with .dirty (or +dirty) appended
package_version() {
	local v=$1 dirty="" meta=""
	if [[ $v == *-dirty ]]; then
		dirty=dirty
		v=${v%-dirty}
	fi
	local semver='^v?([0-9]+\.[0-9]+\.[0-9]+)(-([A-Za-z][0-9A-Za-z.]*))?(-([0-9]+)-g([0-9a-f]+))?$'
	local out
	if [[ $v =~ $semver ]]; then
		out=${BASH_REMATCH[1]}
		[[ -n ${BASH_REMATCH[3]} ]] && out+="~${BASH_REMATCH[3]}"
		[[ -n ${BASH_REMATCH[5]} ]] && meta="${BASH_REMATCH[5]}.g${BASH_REMATCH[6]}"
	elif [[ $v =~ ^[0-9a-f]{7,40}$ ]]; then
		out=0.0.0
		meta="$(git rev-list --count HEAD).g$v"
	else
		fail "cannot derive a package version from VERSION=$1: set PKG_VERSION (it must start with a digit)"
	fi
	if [[ -n $dirty ]]; then
		meta=${meta:+$meta.}$dirty
	fi
	echo "$out${meta:++$meta}"
}
PKG_VERSION=${PKG_VERSION:-$(package_version "$VERSION")}
[[ $PKG_VERSION =~ ^[0-9][0-9A-Za-z.+~]*$ ]] ||
	fail "PKG_VERSION=$PKG_VERSION: a package version starts with a digit and holds only [0-9A-Za-z.+~]"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# Static binaries (no cgo): the same file runs on every glibc and musl system.
# -buildvcs=false: Go stamps git details in a clone but not in a worktree or
# an unpacked source archive; the version comes from -X main.version instead,
# so the same commit gives the same bytes from any checkout.
build_binary() { # GOOS GOARCH OUTPUT
	echo "build.sh: $1/$2 $VERSION" >&2
	CGO_ENABLED=0 GOOS=$1 GOARCH=$2 "$GO" build -trimpath -buildvcs=false \
		-ldflags "-s -w -X main.version=$VERSION" -o "$3" ./cmd/telegraf-netbackup
}

# installed_config writes sample.conf with state_file set to $1: installed, the
# job cursor survives restarts, in a directory Telegraf's user may write.
installed_config() { # STATE_FILE_TOML_VALUE OUTPUT
	local line='  # state_file = ""'
	grep -qxF "$line" sample.conf || fail "sample.conf no longer has the line '$line' to set state_file on"
	# ENVIRON, not awk -v: -v would take the backslashes of a Windows path as escapes.
	LINE=$line REPL="  state_file = $1" awk '$0 == ENVIRON["LINE"] { print ENVIRON["REPL"]; next } { print }' sample.conf >"$2"
	grep -qxF "  state_file = $1" "$2" || fail "state_file was not set in $2"
}

mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)
[[ $DIST != / && $DIST != "$PWD" ]] || fail "DIST=$DIST would be emptied by a release: name a directory of its own"
installed_config '"/var/lib/telegraf-netbackup/state.json"' "$stage/netbackup.toml"

build_packages() {
	local arch
	for arch in $PKG_ARCHES; do
		mkdir -p "$stage/linux-$arch"
		build_binary linux "$arch" "$stage/linux-$arch/telegraf-netbackup"
		cp "$stage/netbackup.toml" "$stage/linux-$arch/netbackup.toml"
		local fmt
		for fmt in deb rpm; do
			PKG_ARCH=$arch PKG_VERSION=$PKG_VERSION PKG_STAGE=$stage/linux-$arch PKG_MAINTAINER=$PKG_MAINTAINER \
				"$NFPM" package --config scripts/package/nfpm.yaml --packager "$fmt" --target "$DIST/" >&2
		done
	done
}

# Archives hold one directory named like the archive; file times and owners
# are fixed so that the same commit gives the same bytes.
archive_dir() { # NAME (a directory under $stage)
	find "$stage/$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

build_tarball() { # ARCH
	local name="telegraf-netbackup-$VERSION-linux-$1"
	mkdir -p "$stage/$name"
	cp "$stage/linux-$1/telegraf-netbackup" "$stage/$name/"
	cp "$stage/netbackup.toml" "$stage/$name/netbackup.toml"
	cp examples/telegraf.conf "$stage/$name/netbackup-execd.conf"
	cp README.md "$stage/$name/README.md"
	cp plugins/inputs/netbackup/README.md "$stage/$name/METRICS.md"
	archive_dir "$name"
	tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -9n >"$DIST/$name.tar.gz"
}

build_zip() { # windows/amd64
	local name="telegraf-netbackup-$VERSION-windows-amd64"
	mkdir -p "$stage/$name"
	build_binary windows amd64 "$stage/$name/telegraf-netbackup.exe"
	installed_config "'C:\\ProgramData\\telegraf-netbackup\\state.json'" "$stage/$name/netbackup.toml"
	cp README.md "$stage/$name/README.md"
	cp plugins/inputs/netbackup/README.md "$stage/$name/METRICS.md"
	archive_dir "$name"
	command -v zip >/dev/null || fail "zip is not installed (Debian: apt-get install zip)"
	rm -f "$DIST/$name.zip"
	(cd "$stage" && find "$name" -print | LC_ALL=C sort | zip -q -X -9 "$DIST/$name.zip" -@)
}

case $mode in
package)
	build_packages
	;;
release)
	[[ $PKG_ARCHES == "amd64 arm64" ]] || fail "a release holds amd64 and arm64: unset PKG_ARCHES"
	rm -rf "$DIST"
	mkdir -p "$DIST"
	build_packages
	build_tarball amd64
	build_tarball arm64
	build_zip
	(cd "$DIST" && sha256sum -- *.deb *.rpm *.tar.gz *.zip >SHA256SUMS)
	;;
esac

echo "build.sh: version $VERSION (packages $PKG_VERSION) in $DIST/:" >&2
ls -l "$DIST" >&2
