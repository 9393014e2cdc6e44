package br.com.gorgen.backup.binlog;

import java.util.ArrayList;
import java.util.List;

/**
 * Which closed binary-log files to ship now, in order, and whether continuity with what was shipped before is
 * broken. Pure logic: the server's closed files, the last file shipped from this server (if any) and the snapshot
 * file of the newest full backup (where a first shipment must start).
 */
public record ShipmentPlan(List<String> files, String gap) {

    /**
     * @param closed        the server's closed files, oldest first
     * @param lastShipped   the file most recently shipped from this server, or null
     * @param fullSnapshot  the binary-log file of the newest full backup's snapshot, or null
     */
    public static ShipmentPlan of(List<String> closed, String lastShipped, String fullSnapshot) {
        if (closed.isEmpty()) {
            return new ShipmentPlan(List.of(), null);
        }
        if (lastShipped != null) {
            FileName last = FileName.parse(lastShipped);
            List<String> after = new ArrayList<>();
            boolean sameSeries = false;
            long maxSeq = -1;
            for (String f : closed) {
                FileName n = FileName.parse(f);
                if (!n.base().equals(last.base())) {
                    continue;
                }
                sameSeries = true;
                maxSeq = Math.max(maxSeq, n.sequence());
                if (n.sequence() > last.sequence()) {
                    after.add(f);
                }
            }
            if (!sameSeries || (after.isEmpty() && maxSeq < last.sequence())) {
                return new ShipmentPlan(List.copyOf(closed), "the binary-log numbering restarted (RESET MASTER, a new "
                        + "log_bin name or another server): " + closed.get(0) + " follows " + lastShipped
                        + ", so nothing proves the logs between them are complete");
            }
            if (after.isEmpty()) {
                return new ShipmentPlan(List.of(), null);
            }
            long firstSeq = FileName.parse(after.get(0)).sequence();
            String gap = firstSeq == last.sequence() + 1 ? null
                    : describeMissing(last, firstSeq) + " were purged from the server before they were shipped";
            return new ShipmentPlan(after, gap);
        }
        if (fullSnapshot != null) {
            FileName start = FileName.parse(fullSnapshot);
            List<String> from = new ArrayList<>();
            for (String f : closed) {
                FileName n = FileName.parse(f);
                if (n.base().equals(start.base()) && n.sequence() >= start.sequence()) {
                    from.add(f);
                }
            }
            if (from.isEmpty()) {
                return new ShipmentPlan(List.of(), null);
            }
            long firstSeq = FileName.parse(from.get(0)).sequence();
            String gap = firstSeq == start.sequence() ? null
                    : describeMissing(new FileName(start.base(), start.sequence() - 1, start.digits()), firstSeq)
                            + " (needed from the full backup's snapshot on) were purged from the server before they were shipped";
            return new ShipmentPlan(from, gap);
        }
        // nothing shipped and no full backup yet: start with the newest closed file
        return new ShipmentPlan(List.of(closed.get(closed.size() - 1)), null);
    }

    private static String describeMissing(FileName last, long nextSeq) {
        String from = last.withSequence(last.sequence() + 1);
        String to = last.withSequence(nextSeq - 1);
        return from.equals(to) ? from : from + " to " + to;
    }

    /** A binary-log file name: {@code <base>.<zero-padded sequence>}. */
    public record FileName(String base, long sequence, int digits) {
        public static FileName parse(String name) {
            int dot = name.lastIndexOf('.');
            if (dot <= 0 || dot == name.length() - 1) {
                throw new IllegalArgumentException("not a binary-log file name: " + name);
            }
            String digits = name.substring(dot + 1);
            try {
                return new FileName(name.substring(0, dot), Long.parseLong(digits), digits.length());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a binary-log file name: " + name, e);
            }
        }

        public String withSequence(long seq) {
            return base + "." + String.format("%0" + digits + "d", seq);
        }

        /** True when {@code other} is the file right after this one. */
        public boolean isFollowedBy(FileName other) {
            return base.equals(other.base) && other.sequence == sequence + 1;
        }
    }
}
