package io.github.msrsafe.internal.sys;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Keeps a resource (a descriptor, an arena) alive while calls use it, so that closing it
 * from another thread is safe: {@link #close()} only marks it closed, and the resource is
 * released exactly once, by {@code close()} when no call is in flight, else by the last
 * call to {@link #exit()}. A call that starts after {@code close()} is refused
 * ({@link #enter()} returns false) and never sees the resource, so a descriptor number
 * can never be used after the kernel has handed it to another {@code open()}.
 *
 * <p>One {@code long} updated by compare-and-set: {@code enter} and {@code exit} cost an
 * atomic operation each and allocate nothing, so the hot paths use it on every call.
 *
 * {@snippet lang=java :
 * if (!uses.enter()) {
 *     return -EBADF;          // closed: the descriptor is gone or going
 * }
 * try {
 *     return LibC.pread(callState, fd, buffer, count, offset);
 * } finally {
 *     uses.exit();            // may release: close(fd), once
 * }
 * }
 */
public final class UseCount {

    private static final long CLOSED = 1L;
    private static final long ONE_CALL = 2L;   // the count of calls in flight lives above the closed bit
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(UseCount.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Runnable release;
    @SuppressWarnings("unused") // through STATE
    private volatile long state;  // calls in flight * ONE_CALL, plus CLOSED once closed
    private volatile boolean released;

    /**
     * @param release frees the resource; runs once, on the thread that closes it or that ends
     *                the last call in flight after the close; must not throw
     */
    public UseCount(Runnable release) {
        this.release = release;
    }

    /** Starts a call: true if the resource is open (then call {@link #exit()} when done), false if closed. */
    public boolean enter() {
        long current = state;
        while ((current & CLOSED) == 0) {
            long seen = (long) STATE.compareAndExchange(this, current, current + ONE_CALL);
            if (seen == current) {
                return true;
            }
            current = seen;
        }
        return false;
    }

    /** Ends a call that {@link #enter()} admitted; releases the resource if it was the last one after a close. */
    public void exit() {
        long after = (long) STATE.getAndAdd(this, -ONE_CALL) - ONE_CALL;
        if (after == CLOSED) {
            releaseOnce();
        }
    }

    /**
     * Closes: refuses new calls and releases the resource now, or when the calls in flight
     * end. Never waits and never throws because of a call in flight.
     *
     * @return true for the call that closed it, false if it was closed already
     */
    public boolean close() {
        long current = state;
        while ((current & CLOSED) == 0) {
            long seen = (long) STATE.compareAndExchange(this, current, current | CLOSED);
            if (seen == current) {
                if (current == 0) {
                    releaseOnce();
                }
                return true;
            }
            current = seen;
        }
        return false;
    }

    /** {@return whether close() has been called (calls may still be in flight)} */
    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /** {@return whether the resource has been released: closed, and no call in flight} */
    public boolean isReleased() {
        return released;
    }

    private void releaseOnce() {
        // Only one transition reaches "closed with no call in flight": close() from 0, or the last exit().
        released = true;
        release.run();
    }

    @Override
    public String toString() {
        long current = state;
        return "UseCount[" + (current / ONE_CALL) + " in flight" + ((current & CLOSED) != 0 ? ", closed" : "")
                + (released ? ", released" : "") + "]";
    }
}
