#!/bin/sh
# After removal (deb postrm; rpm %postun).
#
# deb: "remove" keeps the configuration and the job state, so that a
# reinstall carries on where it stopped; "purge" deletes them. dpkg itself
# deletes netbackup.toml (a conffile) on purge; this script deletes the state
# directory and the config directory, unless the administrator keeps other
# files there (such as the NetBackup CA), which are then named and left.
#
# rpm has no purge: "rpm -e" keeps an edited netbackup.toml as
# netbackup.toml.rpmsave, and the state directory while it holds state.
set -e

case "$1" in
purge)
	rm -rf /var/lib/telegraf-netbackup
	if [ -d /etc/telegraf-netbackup ]; then
		rmdir /etc/telegraf-netbackup 2>/dev/null ||
			echo "telegraf-netbackup: /etc/telegraf-netbackup kept: it holds files the package did not install:" \
				"$(ls -A /etc/telegraf-netbackup | tr '\n' ' ')"
	fi
	;;
esac

exit 0
