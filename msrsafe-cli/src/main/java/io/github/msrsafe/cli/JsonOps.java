package io.github.msrsafe.cli;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.Errno;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form of batch ops, shared by read, write and batch. */
final class JsonOps {

    private JsonOps() {}

    /** A failed (or not run) op: its CPU, the errno's name and the explanation. */
    static Map<String, Object> error(BatchOp op) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("cpu", op.cpu());
        error.put("error", op.errno() == 0 ? "NOT_RUN" : Errno.name(op.errno()));
        error.put("message", op.describe());
        return error;
    }

    /** Every field of an executed op. */
    static Map<String, Object> op(BatchOp op) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", op.index());
        json.put("cpu", op.cpu());
        json.put("op", op.read() ? "read" : "write");
        json.put("msr", Numbers.hex(op.msr()));
        MsrNames.name(op.msr()).ifPresent(name -> json.put("name", name));
        // A read that did not succeed has no value; a write's is the value asked for.
        json.put("value", op.read() && !op.succeeded() ? null : Numbers.hex64(op.value()));
        json.put("writeMask", Numbers.hex64(op.writeMask()));
        json.put("ran", op.ran());
        json.put("ok", op.succeeded());
        if (!op.succeeded()) {
            json.put("error", op.errno() == 0 ? "NOT_RUN" : Errno.name(op.errno()));
        }
        json.put("result", op.describe());
        return json;
    }
}
