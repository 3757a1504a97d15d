package io.github.msrsafe.internal.sys;

import io.github.msrsafe.Driver;
import java.time.Instant;
import java.util.Optional;

/** A device tree that passes every call to another; tests override the calls they change. */
public class ForwardingDeviceFiles implements DeviceFiles {

    protected final DeviceFiles inner;

    public ForwardingDeviceFiles(DeviceFiles inner) {
        this.inner = inner;
    }

    @Override
    public Driver driver() {
        return inner.driver();
    }

    @Override
    public String root() {
        return inner.root();
    }

    @Override
    public String path(DeviceNode node) {
        return inner.path(node);
    }

    @Override
    public int[] onlineCpus() {
        return inner.onlineCpus();
    }

    @Override
    public OpenFile open(DeviceNode node, int flags) throws ErrnoException {
        return inner.open(node, flags);
    }

    @Override
    public BatchDevice openBatch(int flags) throws ErrnoException {
        return inner.openBatch(flags);
    }

    @Override
    public Optional<Instant> lastModified(DeviceNode node) {
        return inner.lastModified(node);
    }

    @Override
    public Platform platform() {
        return inner.platform();
    }

    @Override
    public void close() {
        inner.close();
    }
}
