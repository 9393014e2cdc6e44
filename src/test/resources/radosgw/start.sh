#!/usr/bin/env bash
# Starts a throwaway single-node Ceph cluster (one monitor, one in-memory OSD, no manager, no authentication) and the
# S3 gateway radosgw on 127.0.0.1, from Debian's packages (apt-get install --no-install-recommends radosgw ceph-mon
# ceph-osd). Everything lives under DIR (wiped first); data is gone when it stops (stop.sh DIR).
# Usage: start.sh DIR RGW_PORT MON_PORT ACCESS_KEY SECRET_KEY
set -euo pipefail
DIR=$1 PORT=$2 MONPORT=$3 ACCESS=$4 SECRET=$5
rm -rf "$DIR"; mkdir -p "$DIR"/{mon.a,osd.0,rgw,run,log}
FSID=$(cat /proc/sys/kernel/random/uuid)
cat > "$DIR/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = v1:127.0.0.1:$MONPORT
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
mon allow pool size one = true
mon warn on pool no redundancy = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon max pg per osd = 1000
osd objectstore = memstore
memstore device bytes = 1073741824
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
keyring = $DIR/keyring
mon data = $DIR/mon.\$id
osd data = $DIR/osd.\$id
ms bind ipv4 = true
ms bind ipv6 = false
public addr = 127.0.0.1
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $DIR/rgw
rgw dns name = localhost
CONF
export CEPH_CONF="$DIR/ceph.conf"
ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$DIR/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
monmaptool --create --addv a "[v1:127.0.0.1:$MONPORT]" --fsid "$FSID" "$DIR/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring"
ceph-mon -i a
# our monitor answers on MONPORT (not a leftover of another cluster on a reused port)
[ "$(timeout 20 ceph fsid 2>/dev/null)" = "$FSID" ] || { echo "the monitor on port $MONPORT is not this cluster's (fsid $(timeout 5 ceph fsid 2>&1))" >&2; exit 1; }
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
OSD_ID=$(timeout 60 ceph osd new "$OSD_UUID")
ceph-osd -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>&1
ceph-osd -i "$OSD_ID"
for _ in $(seq 1 240); do timeout 10 ceph osd stat 2>/dev/null | grep -q "1 up" && break; sleep 0.5; done
timeout 10 ceph osd stat | grep -q "1 up" || { echo "the OSD did not come up" >&2; exit 1; }
radosgw -n client.rgw
for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.5; done
curl -s -o /dev/null "http://127.0.0.1:$PORT/" || { echo "radosgw does not answer on port $PORT" >&2; tail -20 "$DIR/log/client.rgw.log" >&2; exit 1; }
radosgw-admin -n client.admin user create --uid=gorgen --display-name=gorgen --access-key="$ACCESS" --secret-key="$SECRET" >/dev/null
echo "radosgw on http://127.0.0.1:$PORT"
