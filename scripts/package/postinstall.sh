#!/bin/sh
# After every install and upgrade (deb postinst "configure" and its "abort-*"
# calls; rpm %post). Idempotent: it only sets ownership, so running it again
# changes nothing.
#
# Telegraf's user runs the plugin: it must read the config file and write the
# state directory. When Telegraf is installed later than this package, its
# user does not exist yet; running this script again (or the commands the
# README gives) fixes that.
set -e

config=/etc/telegraf-netbackup/netbackup.toml
state_dir=/var/lib/telegraf-netbackup

if getent group telegraf >/dev/null 2>&1; then
	# Only the package's own default: a group the administrator chose stays.
	if [ -f "$config" ] && [ "$(stat -c %G "$config")" = root ]; then
		chgrp telegraf "$config"
	fi
fi

if getent passwd telegraf >/dev/null 2>&1; then
	if getent group telegraf >/dev/null 2>&1; then
		chown telegraf:telegraf "$state_dir"
	else
		chown telegraf "$state_dir"
	fi
	chmod 0750 "$state_dir"
fi

exit 0
