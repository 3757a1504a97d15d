package io.github.msrsafe.cli;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.Errno;
import io.github.msrsafe.internal.text.Hex;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form of batch ops, shared by read, write and batch. */
final class JsonOps {

    private JsonOps() {}

    /** A failed (or not run) op: its CPU, the errno's name and the explanation. */
    static Map<String, Object> error(BatchOp op) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("cpu", op.cpu());
        error.put("error", op.error().map(Errno::name).orElse(op.status().name()));
        op.kind().ifPresent(kind -> error.put("kind", kind.name()));
        error.put("message", op.describe());
        return error;
    }

    /** Every field of an executed op. */
    static Map<String, Object> op(BatchOp op) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", op.index());
        json.put("cpu", op.cpu());
        json.put("op", op.read() ? "read" : "write");
        json.put("msr", Hex.of(op.msr()));
        MsrNames.name(op.msr()).ifPresent(name -> json.put("name", name));
        // A read that did not succeed has no value; a write's is the value asked for.
        json.put("value", op.value().isPresent() ? Hex.of16(op.value().getAsLong()) : null);
        json.put("writeMask", op.writeMask().isPresent() ? Hex.of16(op.writeMask().getAsLong()) : null);
        json.put("status", op.status().name());
        json.put("ran", op.status().ran());
        json.put("ok", op.succeeded());
        if (!op.succeeded()) {
            json.put("error", op.error().map(Errno::name).orElse(op.status().name()));
            op.kind().ifPresent(kind -> json.put("kind", kind.name()));
        }
        json.put("result", op.describe());
        return json;
    }
}
