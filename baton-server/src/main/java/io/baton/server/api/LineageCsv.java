package io.baton.server.api;

import io.baton.core.journal.ItemHistory;
import io.baton.core.journal.ItemHistory.Event;
import java.io.IOException;
import java.io.Writer;

/** Writes item histories as CSV (RFC 4180): one row per event, with the item's id, service, name and hash on each. */
final class LineageCsv {

    static final String HEADER = "item_id,service,rel_path,sha256,at,event,run_id,node_id,epoch,outcome,detail";

    private LineageCsv() {
    }

    static void writeHeader(Writer out) throws IOException {
        out.write(HEADER);
        out.write("\r\n");
    }

    static void writeRows(Writer out, ItemHistory h) throws IOException {
        for (Event e : h.events()) {
            Object[] fields = {h.item().id(), h.item().service(), h.item().relPath(), h.sha256(), e.at(), e.kind(), e.runId(),
                e.nodeId(), e.epoch(), e.outcome(), e.detail()};
            for (int i = 0; i < fields.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(quote(fields[i]));
            }
            out.write("\r\n");
        }
    }

    /** Quotes a field that contains a comma, a quote or a line break, doubling its quotes; null is empty. */
    static String quote(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
