package io.github.msrsafe.internal.nativeio;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The C library calls msrsafe-java makes, and nothing else: a thin, C-shaped
 * layer. Each method takes the caller's call-state segment (where the linker
 * stores errno right after the call; one per thread, see
 * {@link #allocateCallState}), makes exactly one call and returns what C
 * returns, -1 included. Turning -1 plus errno into a result is the caller's
 * business ({@link NativeDeviceFiles}).
 *
 * <p>The class links on first use, so code that never touches a native device
 * (the simulated one) never links, and never needs native access.
 */
final class LibC {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /**
     * Test-only: the path of a shared library whose {@code ioctl} this class binds instead of
     * the C library's, read once when the class is initialised. Tests and benchmarks set it
     * to put a stand-in for the kernel module (src/test/c/ioctl_double.c, the benchmarks'
     * bench_module.c) behind the very handle production uses; nothing else may set it.
     */
    static final String IOCTL_LIBRARY_PROPERTY = "msrsafe.test.ioctlLibrary";

    /** Where captureCallState("errno") puts errno; allocate one per thread. */
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(groupElement("errno"));

    // Checked before any symbol is linked, so that every handle below can be
    // replaced by one that throws this message instead of a bare JDK error.
    private static final IllegalCallerException NATIVE_ACCESS_DENIED = probeNativeAccess();

    // int open(const char *path, int flags, ...): variadic, see linkOpen().
    private static final MethodHandle OPEN = linkOpen();
    private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // int fcntl(int fd, int cmd, ...): the int argument is variadic (F_GETFL ignores it).
    private static final MethodHandle FCNTL = link(LINKER.defaultLookup(), "fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    // ssize_t pread(int fd, void *buf, size_t count, off_t offset), pwrite likewise
    private static final MethodHandle PREAD = link("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = link("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle READ = link("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = link("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    // int ioctl(int fd, unsigned long request, ...): the pointer argument is variadic.
    private static final MethodHandle IOCTL = link(ioctlLookup(), "ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));

    private LibC() {}

    /** Fails with a message naming the --enable-native-access flag if native access is denied. */
    static void requireNativeAccess() {
        if (NATIVE_ACCESS_DENIED != null) {
            throw new IllegalCallerException(NATIVE_ACCESS_DENIED.getMessage(), NATIVE_ACCESS_DENIED.getCause());
        }
    }

    /** A call-state segment for one thread; never share one between threads. */
    static MemorySegment allocateCallState(SegmentAllocator allocator) {
        return allocator.allocate(CALL_STATE);
    }

    /** The errno the last call made with {@code callState} left there. */
    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    static int open(MemorySegment callState, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(callState, path, flags);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("open", t);
        }
    }

    static int fcntl(MemorySegment callState, int fd, int command, int argument) {
        try {
            return (int) FCNTL.invokeExact(callState, fd, command, argument);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("fcntl", t);
        }
    }

    static int close(MemorySegment callState, int fd) {
        try {
            return (int) CLOSE.invokeExact(callState, fd);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("close", t);
        }
    }

    static long pread(MemorySegment callState, int fd, MemorySegment buffer, long count, long offset) {
        try {
            return (long) PREAD.invokeExact(callState, fd, buffer, count, offset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("pread", t);
        }
    }

    static long pwrite(MemorySegment callState, int fd, MemorySegment buffer, long count, long offset) {
        try {
            return (long) PWRITE.invokeExact(callState, fd, buffer, count, offset);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("pwrite", t);
        }
    }

    static long read(MemorySegment callState, int fd, MemorySegment buffer, long count) {
        try {
            return (long) READ.invokeExact(callState, fd, buffer, count);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("read", t);
        }
    }

    static long write(MemorySegment callState, int fd, MemorySegment buffer, long count) {
        try {
            return (long) WRITE.invokeExact(callState, fd, buffer, count);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("write", t);
        }
    }

    /**
     * ioctl(fd, request, argument): the C library's, or the test-only stand-in named by
     * {@link #IOCTL_LIBRARY_PROPERTY}; either way this one constant handle.
     */
    static int ioctl(MemorySegment callState, int fd, long request, MemorySegment argument) {
        try {
            return (int) IOCTL.invokeExact(callState, fd, request, argument);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("ioctl", t);
        }
    }

    /**
     * Where ioctl comes from: the C library, unless the test-only property names a library
     * (read once, here). Loading a library is restricted, so without native access the C
     * library's lookup stands in; its handle throws the denial anyway.
     */
    @SuppressWarnings("restricted")
    private static SymbolLookup ioctlLookup() {
        String library = System.getProperty(IOCTL_LIBRARY_PROPERTY);
        if (library == null || NATIVE_ACCESS_DENIED != null) {
            return LINKER.defaultLookup();
        }
        try {
            return SymbolLookup.libraryLookup(Path.of(library), Arena.global());
        } catch (IllegalArgumentException unloadable) { // InvalidPathException too
            throw new IllegalStateException("msrsafe-java: the test-only system property " + IOCTL_LIBRARY_PROPERTY
                    + " names " + library + ", which cannot be loaded; unset it outside tests and benchmarks",
                    unloadable);
        }
    }

    // open is variadic (the mode follows flags). Linking it as (path, flags) with
    // the variadic part starting at index 2, i.e. empty, states that no variadic
    // argument is passed. Should a linker refuse an empty variadic part, link the
    // three-argument form and always pass mode 0 (ignored without O_CREAT).
    private static MethodHandle linkOpen() {
        SymbolLookup libc = LINKER.defaultLookup();
        try {
            return link(libc, "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
        } catch (IllegalArgumentException emptyVariadicRefused) {
            MethodHandle withMode = link(libc, "open",
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
            return MethodHandles.insertArguments(withMode, 3, 0);
        }
    }

    private static MethodHandle link(String name, FunctionDescriptor descriptor) {
        return link(LINKER.defaultLookup(), name, descriptor);
    }

    /**
     * The one place that links: finds {@code name} in {@code lookup} (naming it
     * if it is missing) and makes a downcall handle that captures errno; its
     * first parameter is the call-state segment.
     */
    @SuppressWarnings("restricted")
    private static MethodHandle link(SymbolLookup lookup, String name, FunctionDescriptor descriptor,
                                     Linker.Option... options) {
        if (NATIVE_ACCESS_DENIED != null) {
            return throwing(descriptor, NATIVE_ACCESS_DENIED);
        }
        MemorySegment symbol = lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                "msrsafe-java: symbol '" + name + "' not found in " + lookup));
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE_ERRNO;
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(symbol, descriptor, all);
    }

    // Linking anything is a restricted operation; try a handle that calls nothing
    // to learn whether this module may, before linking the real symbols.
    @SuppressWarnings("restricted")
    private static IllegalCallerException probeNativeAccess() {
        try {
            LINKER.downcallHandle(FunctionDescriptor.ofVoid());
            return null;
        } catch (IllegalCallerException denied) {
            return new IllegalCallerException(nativeAccessMessage(), denied);
        }
    }

    private static String nativeAccessMessage() {
        Module module = LibC.class.getModule();
        String denied = module.isNamed() ? "module " + module.getName() : "the class path";
        String advice = module.isNamed()
                ? "--enable-native-access=" + module.getName()
                        + " (or --enable-native-access=ALL-UNNAMED when the library is on the class path)"
                : "--enable-native-access=ALL-UNNAMED"
                        + " (or --enable-native-access=io.github.msrsafe when the library is on the module path)";
        return "msrsafe-java needs native access to call the C library (open, pread, pwrite, ioctl), and the JVM"
                + " denied it to " + denied + ". Start java with " + advice + ".";
    }

    // A handle of the downcall's type (call state first) that throws the denial.
    private static MethodHandle throwing(FunctionDescriptor descriptor, IllegalCallerException denied) {
        MethodType type = descriptor.toMethodType().insertParameterTypes(0, MemorySegment.class);
        MethodHandle thrower = MethodHandles.throwException(type.returnType(), IllegalCallerException.class)
                .bindTo(denied);
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }
}
