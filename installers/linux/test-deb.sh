#!/usr/bin/env bash
# End-to-end check of the Linux installer, as root on a Debian machine (CI or a throwaway container):
#  1. builds the .deb (unless one is given) and checks the runtime's JDK modules against jdeps;
#  2. installs it with apt-get (which resolves its dependencies) and checks the menu entry, the MIME type and
#     /usr/bin/prefwork;
#  3. starts the installed workbench as a fresh user, the way the menu entry does, under Xvfb, in a network
#     namespace with no network and under strace (no IPv4/IPv6 connect() may be attempted): its window shows the
#     demo workspace, built in that user's data folder; screenshot;
#  4. opens a colleague bundle the way a file manager's double-click does (gio open): the workbench offers to
#     import it; screenshot;
#  5. runs the installed CLI: `prefwork stats` on the demo workspace (exit 0), on a missing folder (exit 2),
#     `prefwork embed` on a small workspace (ONNX Runtime and the tokenizers' natives and the bundled model from
#     the package, offline, under strace);
#  6. removes the package and checks that nothing is left of it.
# Usage: installers/linux/test-deb.sh [prefwork_*.deb]
# Needs: root; xvfb x11-utils imagemagick strace util-linux libglib2.0-bin xdg-utils (and, to build, the JDK 17
# with jmods, Maven, fakeroot, binutils). Leaves screenshots and logs in installers/target/test-deb/.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="$repo/installers/target/test-deb"
t0=$SECONDS
step() { printf '[%3d s] %s\n' $((SECONDS - t0)) "$*"; }
fail() { printf 'test-deb: FAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs a package and adds a user)"
for tool in Xvfb xwininfo import strace unshare gio runuser useradd apt-get dpkg; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install -y xvfb x11-utils imagemagick strace util-linux libglib2.0-bin)"
done

if [ $# -ge 1 ]; then
  deb="$(realpath "$1")"
else
  step "building the .deb"
  (cd "$repo" && mvn -B -q -Pinstaller -pl installers -am -DskipTests package)
  deb="$(ls "$repo"/installers/target/dist/prefwork_*.deb)"
fi
[ -f "$deb" ] || fail "no .deb at $deb"
step "package: $deb ($(du -m "$deb" | cut -f1) MB)"
rm -rf "$out" && mkdir -p "$out"

# The runtime must hold every JDK module the class path uses (jdeps), else a screen fails only when installed.
if [ -d "$repo/installers/target/input" ]; then
  listed="$(sed -n 's:.*<installer.jdk.modules>\(.*\)</installer.jdk.modules>.*:\1:p' "$repo/installers/pom.xml" | tr ',' '\n')"
  for m in $("$repo/installers/jdk-modules.sh" "$repo/installers/target/input"); do
    grep -qx "$m" <<<"$listed" || fail "jdeps finds $m in the app's jars; add it to installer.jdk.modules in installers/pom.xml"
  done
  step "JDK modules: everything jdeps finds is in the runtime"
fi

user=prefwork-smoke
home=/home/$user
data=$home/.local/share/prefwork
xvfb_pid=
user_pids() { pgrep -u "$user" "$@" 2>/dev/null || true; }  # only this script's throwaway user
cleanup() {
  set +e
  for p in $(user_pids); do kill "$p"; done; sleep 1
  for p in $(user_pids); do kill -KILL "$p"; done
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
  id "$user" >/dev/null 2>&1 && userdel -r "$user" 2>/dev/null
  [ -n "$(dpkg-query -W -f='${Status}' prefwork 2>/dev/null)" ] && dpkg --purge prefwork >/dev/null 2>&1
}
trap cleanup EXIT

if [ -n "$(dpkg-query -W -f='${Status}' prefwork 2>/dev/null)" ]; then
  step "purging an earlier prefwork package"; dpkg --purge prefwork >/dev/null
fi
# xdg-desktop-menu gives up on a machine without a desktop unless this folder exists (DESIGN §15)
mkdir -p /usr/share/desktop-directories
step "installing"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >"$out/install.log" 2>&1 \
  || { cat "$out/install.log"; fail "apt-get install failed"; }
[ -x /usr/bin/prefwork ] || fail "/usr/bin/prefwork was not installed"
desktop=/usr/share/applications/prefwork-prefwork.desktop
[ -f "$desktop" ] || fail "no menu entry at $desktop"
grep -q '^Exec=/usr/bin/prefwork open %f$' "$desktop" || fail "the menu entry does not pass the file: $(grep ^Exec "$desktop")"
grep -q '^MimeType=application/x-prefwork-bundle' "$desktop" || fail "the menu entry claims no bundle MIME type"
[ -f /usr/share/mime/packages/prefwork-prefwork-MimeInfo.xml ] || fail "the bundle MIME type was not registered"
step "installed: $(dpkg-query -W -f='${Package} ${Version}, ${Installed-Size} KiB' prefwork)"

useradd -m -s /bin/bash "$user"
as_user() {  # a login-like, clean environment: no JAVA_HOME, no PREFWORK_HOME, the OS's own data folder
  runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" PATH=/usr/local/bin:/usr/bin:/bin \
    LANG=C.UTF-8 DISPLAY="${DISPLAY:-}" "$@"
}

# No network (a namespace with no interfaces) and strace on connect(), where the machine allows them: a plain
# Docker container forbids unshare, and some forbid ptrace; the checks then say so and go on without.
netns=(unshare -n)
"${netns[@]}" true 2>/dev/null || { netns=(); step "note: 'unshare -n' is not permitted here; running with the network"; }
can_trace=1
strace -f -qq -e trace=connect -o /dev/null true 2>/dev/null || { can_trace=0; step "note: strace cannot trace here; the no-connect check is skipped"; }
offline() {  # strace log, command…: runs the command without network and records its connect() calls
  local log="$1"; shift
  if [ "$can_trace" = 1 ]; then "${netns[@]}" strace -f -qq -e trace=connect -o "$log" "$@"
  else : >"$log"; "${netns[@]}" "$@"; fi
}

display=
for n in $(seq 90 120); do [ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ] || { display=$n; break; }; done
[ -n "$display" ] || fail "no free X display number"
Xvfb ":$display" -screen 0 1366x768x24 -nolisten tcp -ac >"$out/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=":$display"
for _ in $(seq 150); do xwininfo -root >/dev/null 2>&1 && break; kill -0 "$xvfb_pid" 2>/dev/null || break; sleep 0.2; done
xwininfo -root >/dev/null 2>&1 || fail "Xvfb :$display did not start: $(cat "$out/xvfb.log")"

window_titled() { xwininfo -root -tree 2>/dev/null | grep -F "\"$1" >/dev/null; }
wait_for_window() {  # title prefix, seconds
  local i
  for i in $(seq "$2"); do window_titled "$1" && return 0; sleep 1; done
  return 1
}
no_inet_connects() {  # strace log, what ran
  if grep -E 'connect\(.*AF_INET6?' "$1" >"$1.inet"; then
    head -5 "$1.inet"; fail "$2 tried to open network connections (see $1)"
  fi
}
stop_app() {
  local p i
  for p in $(user_pids -x prefwork); do kill -TERM "$p"; done
  for i in $(seq 30); do [ -z "$(user_pids -x prefwork)" ] && return 0; sleep 1; done
  fail "the workbench did not exit on SIGTERM"
}

step "starting the installed workbench (no network, strace on connect)"
# the menu entry's command, with %f empty
offline "$out/workbench.strace" runuser -u "$user" -- env -i HOME="$home" USER="$user" PATH=/usr/bin:/bin LANG=C.UTF-8 DISPLAY="$DISPLAY" \
  /usr/bin/prefwork open >"$out/workbench.log" 2>&1 &
wait_for_window "demo — Prefwork" 120 || { tail -30 "$out/workbench.log"; fail "no workbench window on the demo workspace in 120 s"; }
step "window up: $(xwininfo -root -tree | grep -F '"demo — Prefwork' | sed 's/^ *//' | cut -c1-90)"
[ -f "$data/workspaces/demo/workspace.mv.db" ] || fail "no demo workspace in the user's data folder $data"
pid="$(user_pids -x prefwork | head -1)"
grep -q /usr/lib/prefwork/runtime/lib/server/libjvm.so "/proc/$pid/maps" || fail "the workbench does not run on the packaged runtime"
sleep 4  # let the first screen finish drawing
import -window root "$out/workbench.png"
[ ! -e "$home/.openjfx" ] || fail "JavaFX unpacked its natives into $home/.openjfx (they should load from the runtime)"
stop_app
no_inet_connects "$out/workbench.strace" "the workbench"
step "demo workspace built in $data/workspaces/demo; screenshot $out/workbench.png"

step "double-clicking a bundle (gio open, as a file manager does)"
bundle="$home/Downloads/from-bob.prefwork.zip"
as_user mkdir -p "$home/Downloads"
# a real bundle of the demo workspace, made by the installed CLI (what a colleague would send)
as_user prefwork bundle export "$data/workspaces/demo" --out "$bundle" >"$out/bundle-export.log" 2>&1 \
  || { cat "$out/bundle-export.log"; fail "prefwork bundle export failed"; }
type="$(as_user gio info -a standard::content-type "$bundle" | sed -n 's/.*standard::content-type: //p')"
[ "$type" = application/x-prefwork-bundle ] || fail "the desktop sees $bundle as '$type', not application/x-prefwork-bundle"
handler="$(as_user gio mime application/x-prefwork-bundle | sed -n 's/^Default application for .*: //p')"
[ "$handler" = prefwork-prefwork.desktop ] || fail "the default application for bundles is '$handler'"
offline "$out/bundle.strace" runuser -u "$user" -- env -i HOME="$home" USER="$user" PATH=/usr/bin:/bin LANG=C.UTF-8 DISPLAY="$DISPLAY" \
  gio open "$bundle" >"$out/bundle.log" 2>&1 &
# Workbench.importBundle checks the bundle, then asks "Import <file>?" in a dialog titled with the file's name
wait_for_window "Import from-bob.prefwork.zip" 120 || { tail -30 "$out/bundle.log"; xwininfo -root -tree | grep '"' | head; fail "no import offer for the double-clicked bundle in 120 s"; }
sleep 2
import -window root "$out/bundle-offer.png"
stop_app
no_inet_connects "$out/bundle.strace" "the workbench opening a bundle"
step "the workbench offered to import $(basename "$bundle"); screenshot $out/bundle-offer.png"

step "the installed CLI"
as_user prefwork --version
stats="$(as_user prefwork stats "$data/workspaces/demo")" || fail "prefwork stats failed"
echo "$stats"
grep -Eq '^total +66 +330 ' <<<"$stats" || fail "prefwork stats did not count the demo's 66 prompts and 330 candidates"
set +e
as_user prefwork stats "$home/no-such-workspace" >"$out/stats-missing.log" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "prefwork stats on a missing folder exited $rc, not 2: $(cat "$out/stats-missing.log")"
step "prefwork stats: exit 0 on the demo, exit 2 on a missing folder ($(cat "$out/stats-missing.log"))"
# a two-prompt workspace keeps this quick: what is checked is that the packaged natives and model load offline
printf '%s\n' '{"id":"s-1","prompt":"How do I reset my password?","candidates":[{"text":"Use the self-service portal.","model":"a"},{"text":"Ask IT.","model":"b"}]}' \
  '{"id":"s-2","prompt":"Can I expense a taxi?","candidates":[{"text":"Yes, with a receipt.","model":"a"},{"text":"No.","model":"b"}]}' \
  | as_user tee "$home/small.jsonl" >/dev/null
as_user prefwork init "$home/small" >/dev/null && as_user prefwork import "$home/small" "$home/small.jsonl" >/dev/null \
  || fail "prefwork init/import of a two-prompt workspace failed"
offline "$out/embed.strace" runuser -u "$user" -- env -i HOME="$home" USER="$user" PATH=/usr/bin:/bin LANG=C.UTF-8 \
  /usr/bin/prefwork embed "$home/small" >"$out/embed.log" 2>&1 || { cat "$out/embed.log"; fail "prefwork embed failed"; }
grep -E '^Embedded [0-9]+ of [0-9]+' "$out/embed.log" || { cat "$out/embed.log"; fail "prefwork embed embedded nothing"; }
no_inet_connects "$out/embed.strace" "prefwork embed"
[ -n "$(ls -A "$data/djl-cache" 2>/dev/null)" ] || fail "DJL's cache is not in the user's data folder"
[ ! -e "$home/.djl.ai" ] || fail "DJL wrote $home/.djl.ai"
step "prefwork embed: the bundled model ran offline; DJL's cache is in $data/djl-cache"

step "removing the package"
dpkg -r prefwork >"$out/remove.log" 2>&1 || { cat "$out/remove.log"; fail "dpkg -r failed"; }
left="$(ls -d /usr/lib/prefwork /usr/bin/prefwork "$desktop" /usr/share/mime/packages/prefwork-prefwork-MimeInfo.xml 2>/dev/null || true)"
[ -z "$left" ] || fail "left after dpkg -r: $left"
grep -rl 'prefwork' /usr/share/applications/mimeinfo.cache /usr/share/applications/defaults.list 2>/dev/null \
  && fail "the menu still lists prefwork"
dpkg --purge prefwork >/dev/null 2>&1 || fail "dpkg --purge failed"
case "$(dpkg-query -W -f='${Status}' prefwork 2>/dev/null)" in
  ""|*not-installed) ;;
  *) fail "dpkg still knows prefwork: $(dpkg-query -W -f='${Status}' prefwork)" ;;
esac
step "removed: nothing left under /usr/lib/prefwork, no launcher, menu entry or MIME type (user data stays in $data)"
printf 'test-deb: OK in %d s\n' $((SECONDS - t0))
