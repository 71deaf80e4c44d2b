#!/bin/sh
# What to back up: the content (in git anyway) and the bot's chat settings. The builds
# in the data folder are rebuilt from the content at any time and need no backup.
# Usage (as root, e.g. from a daily timer): deploy/backup.sh /var/backups/familienwegweiser
set -eu
target=${1:?where to put the backup}
data=${FINDER_DATA_DIR:-/var/lib/familienwegweiser}
mkdir -p "$target"
stamp=$(date +%Y%m%d)
# The mutable stores (finder.stores) are in the data folder unless FINDER_STORE moves them.
case "${FINDER_STORE:-}" in
    ""|sqlite:|sqlite://) stores=$data ;;
    sqlite:///*) stores=${FINDER_STORE#sqlite://} ;;
    *) echo "backup.sh: FINDER_STORE is not a SQLite folder; back its stores up with that database's tools" >&2
       exit 1 ;;
esac
# The chat settings (language, age group, district per chat; nothing typed) — copied
# consistently with SQLite's own backup, and kept for 14 days only, like the data.
if [ -f "$stores/bot-chats.db" ]; then
    sqlite3 "$stores/bot-chats.db" ".backup '$target/bot-chats-$stamp.db'"
fi
find "$target" -name 'bot-chats-*.db' -mtime +14 -delete
# The coordinator's records (logins, unmet-demand counts, "still current" confirmations,
# the figures of past reports) and the key that signs their sessions: kept like the
# content, for a year.
if [ -f "$stores/coordinator.db" ]; then
    sqlite3 "$stores/coordinator.db" ".backup '$target/coordinator-$stamp.db'"
fi
if [ -f "$data/secret-key" ]; then
    install -m 600 "$data/secret-key" "$target/secret-key"
fi
find "$target" -name 'coordinator-*.db' -mtime +366 -delete
