#!/usr/bin/env bash
# Proves the release files on this machine (Debian, as root; CI runs it after
# `make release`):
#   - the .deb installs without and with Telegraf's user, twice, with the
#     documented owners and modes; the installed binary reports its version;
#   - the README's configure steps alone (servers, tls_ca, the API key in the
#     environment) give one clean -once gather from the simulator, run as
#     Telegraf's user, and real Telegraf running the shipped execd stanza
#     unchanged gets the same metrics;
#   - an upgrade keeps the edited config and the job state; remove keeps
#     them; purge deletes them;
#   - the .rpm holds the same paths and modes, config marked noreplace; Debian's
#     rpm installs, upgrades and erases it with the same results as the README
#     says (scriptlets run, edited config kept, .rpmsave on erase);
#   - the arm64 and Windows binaries are built for their platforms, with the
#     version stamped.
# It leaves the machine as it found it: the package purged, a telegraf user it
# created deleted again. Every check names what it expected.
#
# Usage: scripts/package/test.sh [DIST]   (default dist/, from `make release`)
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "PACKAGE TEST FAILED: $*" >&2; exit 1; }
step() { printf '\n--- %s\n' "$*"; }
pass() { echo "ok: $*"; }

# expect_stat PATH "owner:group mode" — the installed file's owner, group and octal mode.
expect_stat() {
	[[ -e $1 ]] || fail "$1 does not exist"
	local got
	got=$(stat -c '%U:%G %a' "$1")
	[[ $got == "$2" ]] || fail "$1 is $got, expected $2"
	pass "$1 is $2"
}
# need_command COMMAND DEBIAN_PACKAGE WHY — installs the package when the command is missing.
need_command() {
	command -v "$1" >/dev/null && return
	echo "installing Debian's $2 package $3"
	local cand
	cand=$(apt-cache policy "$2" 2>/dev/null | awk '/Candidate:/ { print $2 }')
	if [[ -z $cand || $cand == "(none)" ]]; then apt-get update -qq || fail "apt-get update"; fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null ||
		fail "apt-get install $2 (needed $3)"
	command -v "$1" >/dev/null || fail "$2 installed, but there is still no $1"
}
expect_absent() {
	[[ ! -e $1 ]] || fail "$1 still exists, expected it gone: $(ls -ld "$1")"
	pass "$1 is gone"
}

dist=$(cd "${1:-dist}" && pwd) || fail "no release directory ${1:-dist}: run make release first"
[[ $(id -u) == 0 ]] || fail "run as root: it installs and removes the package with dpkg"
command -v dpkg >/dev/null || fail "dpkg not found: this test needs Debian or Ubuntu"
if dpkg-query -W -f '${Status}' telegraf-netbackup 2>/dev/null | grep -q 'installed\|config-files'; then
	fail "telegraf-netbackup is already installed here; this test installs and purges it: dpkg -P telegraf-netbackup first"
fi
[[ ! -e /etc/telegraf-netbackup && ! -e /var/lib/telegraf-netbackup ]] ||
	fail "/etc/telegraf-netbackup or /var/lib/telegraf-netbackup exists already; this test would purge it"

shopt -s nullglob
debs=("$dist"/telegraf-netbackup_*_amd64.deb)
rpms=("$dist"/telegraf-netbackup-*.x86_64.rpm)
arm_rpms=("$dist"/telegraf-netbackup-*.aarch64.rpm)
arm_tars=("$dist"/telegraf-netbackup-*-linux-arm64.tar.gz)
zips=("$dist"/telegraf-netbackup-*-windows-amd64.zip)
shopt -u nullglob
expect_one() { # ARRAY_NAME
	local -n found=$1
	[[ ${#found[@]} == 1 ]] || fail "expected exactly one $1 file in $dist, found ${#found[@]}: ${found[*]:-none}"
}
for v in debs rpms arm_rpms arm_tars zips; do expect_one $v; done
deb=${debs[0]}
pkg_version=$(dpkg-deb -f "$deb" Version)
# The version stamped into the binaries: the archives are named after it.
version=$(basename "${arm_tars[0]}" -linux-arm64.tar.gz)
version=${version#telegraf-netbackup-}

work=$(mktemp -d)
chmod 0755 "$work"
sim_pid=""
created_user=""
cleanup() {
	[[ -n $sim_pid ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
	if dpkg-query -W telegraf-netbackup >/dev/null 2>&1; then dpkg -P telegraf-netbackup >/dev/null 2>&1 || true; fi
	# Neither existed before the test (checked above).
	rm -rf /etc/telegraf-netbackup /var/lib/telegraf-netbackup
	if [[ -n $created_user ]]; then
		userdel telegraf 2>/dev/null || true
		groupdel telegraf 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

config=/etc/telegraf-netbackup/netbackup.toml
state_dir=/var/lib/telegraf-netbackup
stanza=/usr/share/telegraf-netbackup/netbackup-execd.conf

step "install without Telegraf's user: everything stays root's"
if getent passwd telegraf >/dev/null; then
	echo "SKIPPED: a telegraf user exists on this machine already"
else
	dpkg -i "$deb" || fail "dpkg -i $deb"
	expect_stat /usr/bin/telegraf-netbackup "root:root 755"
	expect_stat "$config" "root:root 640"
	expect_stat "$state_dir" "root:root 750"
	expect_stat "$stanza" "root:root 644"
	groupadd -r telegraf
	useradd -r -M -s /usr/sbin/nologin -d /etc/telegraf -g telegraf telegraf
	created_user=yes
	echo "created the telegraf user and group, as Telegraf's package does"
fi

step "install (again) with Telegraf's user: it may read the config and write the state"
dpkg -i "$deb" || fail "dpkg -i $deb"
expect_stat /usr/bin/telegraf-netbackup "root:root 755"
expect_stat "$config" "root:telegraf 640"
expect_stat "$state_dir" "telegraf:telegraf 750"
expect_stat "$stanza" "root:root 644"
grep -qxF '  state_file = "/var/lib/telegraf-netbackup/state.json"' "$config" ||
	fail "the installed $config does not set state_file into $state_dir"
for d in /etc/telegraf/telegraf.d /etc/telegraf; do
	[[ ! -e $d/netbackup.conf ]] || fail "the package put $d/netbackup.conf in place: the stanza must stay inactive"
done
snapshot() { stat -c '%n %U:%G %a %s %Y' /usr/bin/telegraf-netbackup "$config" "$state_dir" "$stanza"; }
before=$(snapshot)
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb, a third time"
[[ $(snapshot) == "$before" ]] || fail "installing the same package again changed files: $(diff <(echo "$before") <(snapshot))"
pass "installing the same package again changes nothing"

step "the installed binary"
got=$(/usr/bin/telegraf-netbackup -version) || fail "/usr/bin/telegraf-netbackup -version exited $?"
[[ $got == "telegraf-netbackup $version" ]] || fail "-version printed '$got', expected 'telegraf-netbackup $version'"
pass "-version: $got"

step "configure as the README says, then one gather as Telegraf's user"
[[ -x bin/netbackup-simulator ]] || make build >/dev/null
api_key=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
bin/netbackup-simulator -listen 127.0.0.1:0 -api-key "$api_key" -ca-file "$work/ca.pem" \
	-ready-file "$work/url" -jobs 300 -seed 42 >"$work/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do
	[[ -s $work/url ]] && break
	kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.out" >&2; fail "the simulator exited early"; }
	sleep 0.1
done
[[ -s $work/url ]] || fail "the simulator did not report ready within 10 s"
url=$(cat "$work/url")
server=${url%/netbackup}

# Step "save the NetBackup CA as /etc/telegraf-netbackup/nbu-ca.pem".
install -m 0644 "$work/ca.pem" /etc/telegraf-netbackup/nbu-ca.pem
# Step "edit servers and tls_ca"; api_key = "${NETBACKUP_API_KEY}" and
# state_file are already as the package installs them.
sed -i \
	-e "s|^  servers = \\[.*\\]\$|  servers = [\"$server\"]|" \
	-e 's|^  # tls_ca = "/etc/telegraf-netbackup/nbu-ca.pem"$|  tls_ca = "/etc/telegraf-netbackup/nbu-ca.pem"|' \
	"$config"
grep -qxF "  servers = [\"$server\"]" "$config" || fail "could not set servers in $config"
grep -qxF '  tls_ca = "/etc/telegraf-netbackup/nbu-ca.pem"' "$config" || fail "could not set tls_ca in $config"
grep -qxF '  api_key = "${NETBACKUP_API_KEY}"' "$config" || fail "$config does not read the API key from the environment"
expect_stat "$config" "root:telegraf 640"

# Step "put NETBACKUP_API_KEY=... into /etc/default/telegraf" (the
# EnvironmentFile= of Telegraf's unit): here a file of the same form, so that
# this machine's Telegraf setup is left alone.
env_file=$work/default-telegraf
(umask 077 && printf 'NETBACKUP_API_KEY=%s\n' "$api_key" >"$env_file")

gather() { # OUTPUT — the README's "try it" command, with $env_file for /etc/default/telegraf
	sh -c 'set -a; . "$1"; exec runuser -u telegraf -- /usr/bin/telegraf-netbackup -config /etc/telegraf-netbackup/netbackup.toml -once' \
		sh "$env_file" >"$1" 2>"$1.err" ||
		{ local rc=$?; cat "$1.err" >&2; fail "the -once gather as the telegraf user exited $rc (stderr above)"; }
	grep -q '^netbackup_api,.*up=1i' "$1" || { cat "$1" "$1.err" >&2; fail "no netbackup_api line with up=1i"; }
	pass "$(wc -l <"$1") lines, netbackup_api up=1i, exit status 0"
}
gather "$work/gather1.out"
grep -q '^netbackup_job,' "$work/gather1.out" || fail "the first gather printed no netbackup_job line"
pass "$(grep -c '^netbackup_job,' "$work/gather1.out") netbackup_job lines"
expect_stat "$state_dir/state.json" "telegraf:telegraf 600"
if grep -qF "$api_key" "$work/gather1.out" "$work/gather1.out.err" "$state_dir/state.json"; then
	fail "the API key appears in the output, the log or the state file"
fi
pass "the API key appears in neither output, log nor state file"

step "real Telegraf runs the shipped stanza unchanged"
# The pinned Telegraf `make e2e` builds (a no-op when it is there), copied where
# Telegraf's user may run it.
./scripts/install-telegraf.sh >/dev/null || fail "building Telegraf (scripts/install-telegraf.sh)"
install -m 0755 .tools/bin/telegraf "$work/telegraf"
telegraf=$work/telegraf
mkdir -p "$work/telegraf.d"
# The README's step: copy the stanza into Telegraf's config directory.
cp "$stanza" "$work/telegraf.d/"
printf '[agent]\n  omit_hostname = true\n' >"$work/telegraf.conf"
chmod a+rX "$work" "$work/telegraf.d" "$work/telegraf.d/netbackup-execd.conf" "$work/telegraf.conf"
# The README's check, with Telegraf's environment as its systemd unit sets it.
rc=0
sh -c 'set -a; . "$1"; shift; exec runuser -u telegraf -- "$@"' sh "$env_file" \
	"$telegraf" --config "$work/telegraf.conf" --config-directory "$work/telegraf.d" \
	--input-filter execd --test --test-wait 10 >"$work/telegraf.out" 2>"$work/telegraf.err" || rc=$?
[[ $rc == 0 ]] || { cat "$work/telegraf.err" >&2; fail "telegraf --test with the shipped stanza exited $rc (its log above)"; }
grep -q '^> netbackup_api,.*up=1i' "$work/telegraf.out" ||
	{ cat "$work/telegraf.out" "$work/telegraf.err" >&2; fail "Telegraf printed no netbackup_api line with up=1i"; }
if grep -E '^[^ ]+ E! ' "$work/telegraf.err"; then fail "Telegraf logged errors running the shipped stanza (above)"; fi
pass "Telegraf: exit status 0, $(grep -c '^> netbackup' "$work/telegraf.out") netbackup metrics, no E! line"

step "upgrade over itself to a newer version: the edited config and the state survive"
cp "$config" "$work/config.edited"
state_sum=$(sha256sum <"$state_dir/state.json")
up_version="$version-upgrade-test"
up_pkg_version="$pkg_version.1"
PKG_ARCHES=amd64 PKG_VERSION=$up_pkg_version DIST="$work/upgrade" make package VERSION="$up_version" >/dev/null 2>"$work/upgrade.err" ||
	{ cat "$work/upgrade.err" >&2; fail "building the upgrade package"; }
up_deb=$(ls "$work"/upgrade/telegraf-netbackup_*_amd64.deb)
dpkg -i "$up_deb" || fail "dpkg -i $up_deb (upgrade from $pkg_version to $up_pkg_version)"
[[ $(dpkg-query -W -f '${Version}' telegraf-netbackup) == "$up_pkg_version" ]] || fail "dpkg does not list version $up_pkg_version after the upgrade"
got=$(/usr/bin/telegraf-netbackup -version)
[[ $got == "telegraf-netbackup $up_version" ]] || fail "after the upgrade -version printed '$got', expected 'telegraf-netbackup $up_version'"
pass "upgraded: $got"
cmp -s "$config" "$work/config.edited" || fail "the upgrade changed the edited $config: $(diff "$work/config.edited" "$config")"
pass "the edited $config is unchanged"
for leftover in "$config.dpkg-dist" "$config.dpkg-old" "$config.dpkg-new"; do
	expect_absent "$leftover"
done
[[ $(sha256sum <"$state_dir/state.json") == "$state_sum" ]] || fail "the upgrade changed $state_dir/state.json"
pass "the job state is unchanged"
expect_stat "$config" "root:telegraf 640"
expect_stat "$state_dir" "telegraf:telegraf 750"
gather "$work/gather2.out"

step "remove: the binary goes, the configuration and the job state stay"
dpkg -r telegraf-netbackup || fail "dpkg -r telegraf-netbackup"
expect_absent /usr/bin/telegraf-netbackup
expect_absent /usr/share/telegraf-netbackup
cmp -s "$config" "$work/config.edited" || fail "after dpkg -r, $config is missing or changed"
pass "$config kept, as edited"
[[ -s $state_dir/state.json ]] || fail "after dpkg -r, $state_dir/state.json is gone"
pass "$state_dir/state.json kept"
[[ $(dpkg-query -W -f '${Status}' telegraf-netbackup) == "deinstall ok config-files" ]] ||
	fail "dpkg status after -r: $(dpkg-query -W -f '${Status}' telegraf-netbackup), expected 'deinstall ok config-files'"

step "purge: the configuration and the job state go; a file the administrator added is named and kept"
dpkg -P telegraf-netbackup >"$work/purge.out" 2>&1 || { cat "$work/purge.out" >&2; fail "dpkg -P telegraf-netbackup"; }
cat "$work/purge.out"
expect_absent "$config"
expect_absent "$state_dir"
[[ $(ls -A /etc/telegraf-netbackup) == nbu-ca.pem ]] ||
	fail "after purge /etc/telegraf-netbackup holds '$(ls -A /etc/telegraf-netbackup 2>&1)', expected only the administrator's nbu-ca.pem"
grep -q 'nbu-ca.pem' "$work/purge.out" || fail "purge did not name the file it left in /etc/telegraf-netbackup"
rm /etc/telegraf-netbackup/nbu-ca.pem
rmdir /etc/telegraf-netbackup
if dpkg-query -W telegraf-netbackup >/dev/null 2>&1; then fail "dpkg still knows telegraf-netbackup after purge"; fi
pass "dpkg no longer knows the package"

step "the .rpm: same paths and modes, config noreplace, the same scripts"
need_command rpm rpm "to read the .rpm"
for r in "${rpms[0]}" "${arm_rpms[0]}"; do
	rpm -qp --nosignature --qf '[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' "$r" \
		>"$work/rpm.list" || fail "rpm cannot read $r"
	echo "$(basename "$r"):"
	cat "$work/rpm.list"
	for want in \
		"-rwxr-xr-x root:root  /usr/bin/telegraf-netbackup" \
		"-rw-r----- root:root cn /etc/telegraf-netbackup/netbackup.toml" \
		"drwxr-xr-x root:root  /etc/telegraf-netbackup" \
		"drwxr-x--- root:root  /var/lib/telegraf-netbackup" \
		"-rw-r--r-- root:root  /usr/share/telegraf-netbackup/netbackup-execd.conf"; do
		grep -qxF -- "$want" "$work/rpm.list" || fail "$(basename "$r") lacks the entry '$want'"
	done
	rpm -qp --nosignature --scripts "$r" >"$work/rpm.scripts"
	grep -q 'postinstall scriptlet' "$work/rpm.scripts" && grep -q 'chown telegraf:telegraf' "$work/rpm.scripts" ||
		fail "$(basename "$r") lacks the postinstall script"
	grep -q 'postuninstall scriptlet' "$work/rpm.scripts" || fail "$(basename "$r") lacks the postremove script"
	pass "$(basename "$r"): paths, modes, config noreplace, scripts"
done
expected_arch=$(rpm -qp --nosignature --qf '%{ARCH}' "${arm_rpms[0]}")
[[ $expected_arch == aarch64 ]] || fail "the arm64 rpm says arch $expected_arch"

step "the .rpm, installed by Debian's rpm (own database): scripts, upgrade, erase"
# rpm's scriptlets run here with /bin/sh as on RHEL; the database lives in
# the work directory, so this machine's rpm database is untouched.
rpmdb=(--dbpath "$work/rpmdb")
rpm "${rpmdb[@]}" --initdb
rpm "${rpmdb[@]}" -i --nodeps --force-debian "${rpms[0]}" 2>"$work/rpm.err" ||
	{ cat "$work/rpm.err" >&2; fail "rpm -i ${rpms[0]}"; }
expect_stat /usr/bin/telegraf-netbackup "root:root 755"
expect_stat "$config" "root:telegraf 640"
expect_stat "$state_dir" "telegraf:telegraf 750"
echo '# edited by the administrator' >>"$config"
cp "$config" "$work/config.edited"
echo '{}' >"$state_dir/state.json"
rpm "${rpmdb[@]}" -U --replacepkgs --nodeps --force-debian "${rpms[0]}" 2>"$work/rpm.err" ||
	{ cat "$work/rpm.err" >&2; fail "rpm -U --replacepkgs ${rpms[0]}"; }
cmp -s "$config" "$work/config.edited" || fail "rpm -U changed the edited $config"
pass "rpm -U kept the edited $config"
expect_stat "$config" "root:telegraf 640"
rpm "${rpmdb[@]}" -e --nodeps telegraf-netbackup 2>"$work/rpm.err" || { cat "$work/rpm.err" >&2; fail "rpm -e telegraf-netbackup"; }
expect_absent /usr/bin/telegraf-netbackup
expect_absent "$config"
cmp -s "$config.rpmsave" "$work/config.edited" || fail "rpm -e did not keep the edited config as $config.rpmsave"
pass "rpm -e kept the edited config as $config.rpmsave"
[[ -s $state_dir/state.json ]] || fail "rpm -e deleted $state_dir/state.json"
pass "rpm -e kept $state_dir/state.json"
rm -rf /etc/telegraf-netbackup /var/lib/telegraf-netbackup

step "the cross-built binaries: platform and version"
need_command unzip unzip "to read the Windows .zip"
mkdir -p "$work/x"
tar -xzf "${arm_tars[0]}" -C "$work/x"
(cd "$work/x" && unzip -q "${zips[0]}")
check_binary() { # FILE GOOS GOARCH
	local info
	info=$(go version -m "$1") || fail "go version -m $1"
	grep -qP "^\tbuild\tGOOS=$2\$" <<<"$info" || fail "$1 is not built for GOOS=$2: $info"
	grep -qP "^\tbuild\tGOARCH=$3\$" <<<"$info" || fail "$1 is not built for GOARCH=$3: $info"
	grep -qP "^\tbuild\tCGO_ENABLED=0\$" <<<"$info" || fail "$1 is not a static (CGO_ENABLED=0) build"
	pass "$1: $2/$3, static"
}
arm64_bin=$work/x/telegraf-netbackup-$version-linux-arm64/telegraf-netbackup
windows_exe=$work/x/telegraf-netbackup-$version-windows-amd64/telegraf-netbackup.exe
check_binary "$arm64_bin" linux arm64
check_binary "$windows_exe" windows amd64
# The arm64 binary runs, under user-mode emulation, and reports its version.
need_command qemu-aarch64 qemu-user "to run the arm64 binary"
got=$(qemu-aarch64 "$arm64_bin" -version) || fail "qemu-aarch64 $arm64_bin -version exited $?"
[[ $got == "telegraf-netbackup $version" ]] || fail "the arm64 binary's -version printed '$got', expected 'telegraf-netbackup $version'"
pass "arm64 -version: $got"
# Nothing here runs Windows programs: the version must at least be the string
# -X main.version stamped into the .exe.
grep -qaF -- "$version" "$windows_exe" || fail "$windows_exe does not hold the version string $version"
pass "the Windows binary holds the version string $version"
grep -qxF "  state_file = 'C:\\ProgramData\\telegraf-netbackup\\state.json'" \
	"$work/x/telegraf-netbackup-$version-windows-amd64/netbackup.toml" ||
	fail "the Windows netbackup.toml does not set state_file under C:\\ProgramData"
pass "the Windows netbackup.toml keeps its state under C:\\ProgramData"

echo
echo "package test passed"
