package io.github.msrsafe.telemetry;

import io.github.msrsafe.BatchOp;
import io.github.msrsafe.BatchOutcome;
import io.github.msrsafe.CpuRanges;
import io.github.msrsafe.CpuUnavailableException;
import io.github.msrsafe.FailureKind;
import io.github.msrsafe.internal.access.ExceptionAccess;
import io.github.msrsafe.Errno;
import io.github.msrsafe.MsrBatch;
import io.github.msrsafe.MsrFaultException;
import io.github.msrsafe.MsrNotAllowedException;
import io.github.msrsafe.MsrSafe;
import io.github.msrsafe.MsrSafeException;
import io.github.msrsafe.allowlist.Allowlist;
import io.github.msrsafe.internal.jfr.JfrEmitter;
import io.github.msrsafe.internal.sys.HandleAccess;
import io.github.msrsafe.registers.CpuIdentity;
import io.github.msrsafe.registers.Register;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Reads a declared set of {@link Signal}s from every CPU, core and package with one
 * {@link MsrBatch} per sample, and derives them: frequencies and Busy% from
 * APERF/MPERF/TSC deltas, watts and joules from RAPL energy counters (across their
 * 32-bit wrap), temperatures, power limits.
 *
 * <p>The batch holds one read per register per place it lives: thread-scope registers on
 * every CPU, core-scope ones on the first CPU of each core, package-scope ones on the first
 * CPU of each package ({@link CpuTopology}). It is built once; {@link #sample()} executes it,
 * swaps two preallocated arrays of raw values and recomputes the signals in place, so a
 * sample allocates nothing on the Java heap once warm.
 *
 * <p>Opening checks that the allowlist lists every register the signals need, and reports
 * the ones it does not BY NAME, with the signals that need them, before any sampling.
 *
 * {@snippet :
 * try (MsrSafe msr = MsrSafe.open();
 *      Sampler sampler = Sampler.builder(msr).signals(Signal.AVG_MHZ, Signal.PACKAGE_WATTS).open()) {
 *     sampler.sample();
 *     Thread.sleep(1000);
 *     Sample sample = sampler.sample();
 *     double watts = sample.packageValue(Signal.PACKAGE_WATTS, 0);  // package 0, over the last second
 * }
 * }
 *
 * <p>Not thread-safe: one thread samples at a time, and reads the {@link Sample} before the next sample.
 */
public final class Sampler implements AutoCloseable {

    private final MsrSafe msr;
    private final MsrBatch batch;
    private final SamplerLayout layout;
    private final Vendor vendor;
    private final List<Signal> signals;
    private final List<RegisterColumn> columns;
    private final LongSupplier clock;
    private final LongSupplier wallClock;
    private final boolean tolerateFailures;
    private final SamplerErrors errors;
    private final Readings readings;
    private final Deriver deriver;
    private final SampleValues values;
    private final Sample view;
    private final Map<Signal, String> omitted;
    private final Deriver.EnergyBounds bounds;
    private final Consumer<Sample> events;        // JFR events of each sample, or null (off)
    private boolean closed;

    private Sampler(MsrSafe msr, Settings settings) {
        this.msr = msr;
        this.vendor = settings.vendor();
        this.signals = settings.signals();
        this.columns = settings.columns();
        this.clock = settings.clock();
        this.wallClock = settings.wallClock();
        this.tolerateFailures = settings.tolerateFailures();
        this.layout = SamplerLayout.of(settings.topology(), registersOf(signals, columns, vendor));
        List<Quantity> quantities = new ArrayList<>(signals);
        quantities.addAll(columns);
        this.errors = new SamplerErrors(msr.root(), List.copyOf(quantities), vendor);
        this.batch = msr.newBatch();
        layout.addReadsTo(batch);
        this.readings = new Readings(layout.opCount());
        this.omitted = settings.omitted();
        this.bounds = settings.bounds();
        this.events = settings.events();
        this.deriver = new Deriver(layout, signals, columns, vendor, settings.dramJoulesPerUnit(), bounds);
        this.values = new SampleValues(deriver.positions(), layout.packageCount());
        this.view = new Sample(layout, signals, columns, values);
    }

    /** One register per address, in first-needed order: the signals' (from the catalog), then the columns'. */
    private static List<SamplerLayout.Slot> registersOf(List<Signal> signals, List<RegisterColumn> columns,
            Vendor vendor) {
        Map<Long, SamplerLayout.Slot> needed = new LinkedHashMap<>();
        for (Signal signal : signals) {
            for (Register register : signal.registers(vendor)) {
                needed.putIfAbsent(register.address(), new SamplerLayout.Slot(register.address(), register.scope()));
            }
        }
        for (RegisterColumn column : columns) {
            if (column.format() == RegisterColumn.Format.PERCENT) {
                needed.putIfAbsent(Msr.TSC, new SamplerLayout.Slot(Msr.TSC, Register.Scope.THREAD));
            }
            SamplerLayout.Slot existing = needed.get(column.address());
            if (existing != null && existing.scope() != column.scope()) {
                throw new IllegalArgumentException("column " + column.columnName() + " reads " + Msr.describe(
                        column.address()) + " per " + scopeWord(column.scope()) + ", but the sampler reads it per "
                        + scopeWord(existing.scope()) + " for its signals; give the column that scope");
            }
            needed.putIfAbsent(column.address(), new SamplerLayout.Slot(column.address(), column.scope()));
        }
        return List.copyOf(needed.values());
    }

    private static String scopeWord(Register.Scope scope) {
        return switch (scope) {
            case THREAD -> "CPU";
            case CORE -> "core";
            case PACKAGE -> "package";
        };
    }

    /**
     * {@return a builder for a sampler on {@code msr}; see {@link Builder} for its defaults}
     *
     * @param msr the open handle to sample through; closing the sampler leaves it open
     * @throws NullPointerException if msr is null
     */
    public static Builder builder(MsrSafe msr) {
        return new Builder(msr);
    }

    /** {@return the signals this sampler derives, in declaration order} */
    public List<Signal> signals() {
        return signals;
    }

    /** {@return the register columns this sampler reads, in the order they were added} */
    public List<RegisterColumn> columns() {
        return columns;
    }

    /** {@return the CPUs, cores and packages this sampler reads} */
    public CpuTopology topology() {
        return layout.topology();
    }

    /** {@return whose register layout this sampler reads} */
    public Vendor vendor() {
        return vendor;
    }

    /** {@return how many reads one sample's batch holds: one per register per CPU, core or package it is read on} */
    public int batchSize() {
        return batch.size();
    }

    /**
     * {@return whether this sampler derives {@code signal}}
     *
     * @param signal any signal
     */
    public boolean has(Signal signal) {
        return signals.contains(signal);
    }

    /**
     * {@return the signals left out because this machine cannot give them, each with the reason
     * (its register is not in the allowlist, or the processor does not implement it); empty when
     * the signals were chosen with {@link Builder#signals}, which fails instead}
     */
    public Map<Signal, String> omitted() {
        return omitted;
    }

    /**
     * {@return the shortest time any of this sampler's energy counters can take to wrap, at the
     * highest power it can see (MSR_PKG_POWER_INFO, MSR_DRAM_POWER_INFO, or
     * {@link Builder#maxPackageWatts}); NaN when no bound is known} Samples closer together than
     * this always know their energy; a longer interval may not (see {@link Sample#failures()}).
     */
    public double energyWrapSeconds() {
        double shortest = Double.NaN;
        double[][] byDomain = {bounds.packageWatts(), bounds.dramWatts()};
        for (int domain = 0; domain < byDomain.length; domain++) {
            boolean read = domain == 0 ? has(Signal.PACKAGE_WATTS) || has(Signal.PACKAGE_JOULES)
                    || has(Signal.CORE_WATTS) || has(Signal.CORE_JOULES) : has(Signal.DRAM_WATTS) || has(Signal.DRAM_JOULES);
            for (int pkg = 0; read && pkg < byDomain[domain].length; pkg++) {
                double wrap = deriver.wrapSeconds(domain == 1, pkg);
                if (!Double.isNaN(wrap) && !(wrap >= shortest)) {
                    shortest = wrap;
                }
            }
        }
        return shortest;
    }

    /**
     * Takes a sample: one batch, then every signal recomputed against the previous sample.
     * At the first sample, rate signals ({@link Signal#needsInterval()}) are NaN: there is no
     * interval yet.
     *
     * <p>When a register does not read (a CPU went offline, the allowlist changed, the processor
     * faulted), the sample fails as a whole, unless the sampler was built with
     * {@link Builder#tolerateFailures()}: then it reads what it still can, and the quantities
     * that need the failed registers are NaN in this sample, each named in {@link Sample#failures()}.
     *
     * @return the reading, a view that the next sample overwrites
     * @throws MsrSafeException      if the batch fails (a CPU went offline, the allowlist changed), naming the
     *                               register; with tolerateFailures only when the batch cannot run at all
     * @throws IllegalStateException if the sampler is closed
     */
    public Sample sample() throws MsrSafeException {
        if (closed) {
            throw new IllegalStateException("this sampler is closed");
        }
        long before = clock.getAsLong();
        // Tolerating failures, the ops refused only because another op was run again at once.
        BatchOutcome outcome = tolerateFailures ? batch.executeSkippingRejected() : batch.execute();
        long after = clock.getAsLong();
        if (outcome != BatchOutcome.SUCCEEDED && !tolerateFailures) {
            throw errors.failureOf(batch, "sample");
        }
        readings.advance(before + (after - before) / 2); // the batch's midpoint stands for all its reads
        if (outcome == BatchOutcome.SUCCEEDED) {
            batch.values(0, readings.current()); // every op of the layout reads; checked once, copied in place
        } else {
            readPartially();
        }
        values.sequence = readings.count();
        values.timestampNanos = readings.nanos();
        values.intervalSeconds = readings.seconds();
        values.epochMillis = wallClock.getAsLong();
        deriver.derive(readings, values);
        if (events != null) {
            events.accept(view);
        }
        return view;
    }

    /**
     * Takes what a batch that did not simply succeed still gives: the value of every op that
     * ran; the others fail with their errno. With {@link MsrBatch#executeSkippingRejected()}
     * no op is left unrun but for a failure of the whole ioctl.
     */
    private void readPartially() {
        for (int op = 0; op < layout.opCount(); op++) {
            if (batch.status(op) == BatchOp.Status.SUCCEEDED) {
                readings.set(op, batch.value(op));
            } else {
                readings.fail(op, batch.error(op).map(Errno::number).orElse(Errno.EAGAIN.number()));
            }
        }
    }

    /** {@return the last sample's reading, the same view {@link #sample()} returns (before the first sample: every value NaN)} */
    public Sample last() {
        return view;
    }

    /** Frees the batch. The MsrSafe handle stays open. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            batch.close();
        }
    }

    @Override
    public String toString() {
        return "Sampler[" + view.quantities() + ", " + layout.cpuCount() + " CPUs, " + layout.coreCount() + " cores, "
                + layout.packageCount() + " packages, " + batch.size() + " reads per sample]";
    }

    /**
     * Checks that every register can be read before sampling starts: against the installed
     * allowlist when this user may read it, then with one probe batch (which also finds
     * registers the processor lacks).
     */
    private void check() throws MsrSafeException {
        Allowlist allowlist = readableAllowlist(msr);
        if (allowlist != null) {
            List<Long> missing = layout.addresses().stream().filter(address -> !allowlist.contains(address)).toList();
            if (!missing.isEmpty()) {
                throw errors.notAllowed("check of telemetry signals on", missing);
            }
        }
        if (batch.execute() != BatchOutcome.SUCCEEDED) {
            throw errors.failureOf(batch, "check of telemetry signals on");
        }
    }

    private static Allowlist readableAllowlist(MsrSafe msr) {
        try {
            return msr.allowlist();
        } catch (MsrSafeException e) {
            return null; // only msr-admin may read it; the probe batch decides instead
        }
    }

    /** What the builder chose and detected: everything a sampler is made of. */
    private record Settings(List<Signal> signals, List<RegisterColumn> columns, CpuTopology topology, Vendor vendor,
            LongSupplier clock, LongSupplier wallClock, double dramJoulesPerUnit, boolean tolerateFailures,
            Map<Signal, String> omitted, Deriver.EnergyBounds bounds, Consumer<Sample> events) {}

    /**
     * Configures a {@link Sampler}. Defaults: every signal the vendor supports that this machine
     * can read (see {@link #open()}), no register
     * columns, the vendor of /proc/cpuinfo (Intel for a simulated device), the topology of
     * {@link CpuTopology#detect(MsrSafe)}, {@link System#nanoTime()} (a simulated device's own
     * clock) and {@link System#currentTimeMillis()} as clocks, and a sample that fails as a whole
     * when a register does not read. Setting something twice keeps the last; {@link #open()} does
     * not change the builder, so one builder can open several samplers.
     */
    public static final class Builder {
        private final MsrSafe msr;
        private List<Signal> signals;
        private List<Signal> candidates;
        private final List<RegisterColumn> columns = new ArrayList<>();
        private CpuTopology topology;
        private Vendor vendor;
        private LongSupplier clock;
        private LongSupplier wallClock = System::currentTimeMillis;
        private double dramJoulesPerUnit = Double.NaN;
        private boolean tolerateFailures;
        private double maxPackageWatts = Double.NaN;
        private boolean jfrEvents;

        private Builder(MsrSafe msr) {
            this.msr = Objects.requireNonNull(msr, "msr");
        }

        /**
         * Sets the signals to derive; each needs its registers in the allowlist. Repeats count
         * once, and the sampler keeps them in declaration order.
         *
         * @param signals the signals, at least one
         * @return this builder
         * @throws IllegalArgumentException if no signal is given
         */
        public Builder signals(Signal... signals) {
            return signals(List.of(signals));
        }

        /**
         * Sets the signals to derive; each needs its registers in the allowlist. Repeats count
         * once, and the sampler keeps them in declaration order. An empty list derives no signal,
         * for a sampler of {@link #add register columns} alone.
         *
         * @param signals the signals
         * @return this builder
         * @throws IllegalArgumentException if the list is empty and no column has been added
         */
        public Builder signals(List<Signal> signals) {
            if (signals.isEmpty() && columns.isEmpty()) {
                throw new IllegalArgumentException("a sampler needs at least one signal");
            }
            EnumSet<Signal> set = EnumSet.noneOf(Signal.class);
            set.addAll(signals);
            this.signals = List.copyOf(set);
            this.candidates = null;
            return this;
        }

        /**
         * Sets the signals to derive where this machine can: those of {@code candidates} whose
         * registers are allowlisted and implemented (and available on the vendor's processors) are
         * derived, the others left out and named in {@link Sampler#omitted()}. What
         * {@code msrsafe stat} does by default, as turbostat shows only the columns it can read.
         *
         * @param candidates the signals to try, in any order
         * @return this builder
         * @throws NullPointerException if candidates is or holds null
         */
        public Builder signalsIfReadable(List<Signal> candidates) {
            EnumSet<Signal> set = EnumSet.noneOf(Signal.class);
            set.addAll(candidates);
            this.candidates = List.copyOf(set);
            this.signals = null;
            return this;
        }

        /**
         * Adds register columns (turbostat's {@code --add}), read with the signals in the same batch.
         *
         * @param added the columns; names must differ from each other and from every signal's
         * @return this builder
         * @throws IllegalArgumentException if a name is taken, naming it
         */
        public Builder add(RegisterColumn... added) {
            for (RegisterColumn column : added) {
                Objects.requireNonNull(column, "column");
                if (Signal.byName(column.columnName()).isPresent() || columns.stream()
                        .anyMatch(c -> c.columnName().equalsIgnoreCase(column.columnName()))) {
                    throw new IllegalArgumentException("column name " + column.columnName()
                            + " is taken; give the column another name");
                }
                columns.add(column);
            }
            return this;
        }

        /**
         * Sets where the CPUs sit, and so which CPUs are sampled; see {@link CpuTopology}.
         *
         * @param topology the CPUs, each of which must be online when the sampler opens
         * @return this builder
         * @throws NullPointerException if topology is null
         */
        public Builder topology(CpuTopology topology) {
            this.topology = Objects.requireNonNull(topology, "topology");
            return this;
        }

        /**
         * Sets whose register layout to read, instead of detecting it ({@link Vendor#detect}).
         *
         * @param vendor the vendor
         * @return this builder
         * @throws NullPointerException if vendor is null
         */
        public Builder vendor(Vendor vendor) {
            this.vendor = Objects.requireNonNull(vendor, "vendor");
            return this;
        }

        /**
         * The monotonic clock in nanoseconds the intervals are measured with; a simulated
         * device's clock, for a test that drives time.
         *
         * @param nanos the clock, in nanoseconds (like {@link System#nanoTime()})
         * @return this builder
         * @throws NullPointerException if nanos is null
         */
        public Builder clock(LongSupplier nanos) {
            this.clock = Objects.requireNonNull(nanos, "nanos");
            return this;
        }

        /**
         * Sets the wall clock that stamps each sample ({@link Sample#epochMillis()}).
         *
         * @param epochMillis the clock, in milliseconds since the epoch (like
         *                    {@link System#currentTimeMillis()})
         * @return this builder
         * @throws NullPointerException if epochMillis is null
         */
        public Builder wallClock(LongSupplier epochMillis) {
            this.wallClock = Objects.requireNonNull(epochMillis, "epochMillis");
            return this;
        }

        /**
         * The DRAM energy unit in joules, for processors whose DRAM counter ignores
         * MSR_RAPL_POWER_UNIT (see {@link RaplUnits#dramJoulesPerUnit(CpuIdentity)}; chosen
         * from /proc/cpuinfo by default on a real device).
         *
         * @param joules joules per unit of MSR_DRAM_ENERGY_STATUS, e.g.
         *               {@link RaplUnits#SERVER_DRAM_JOULES_PER_UNIT}
         * @return this builder
         * @throws IllegalArgumentException if joules is not a finite number above 0
         */
        public Builder dramJoulesPerUnit(double joules) {
            if (!(joules > 0) || Double.isInfinite(joules)) {
                throw new IllegalArgumentException("DRAM energy unit must be a positive number of joules: " + joules);
            }
            this.dramJoulesPerUnit = joules;
            return this;
        }

        /**
         * Lets a sample go on when registers do not read: the quantities that need them are NaN
         * in that sample and named in {@link Sample#failures()}, the others keep their values.
         * What an unattended reader (an exporter, a long {@code stat}) wants; without it a failed
         * register fails the whole sample with an exception.
         *
         * @return this builder
         */
        public Builder tolerateFailures() {
            this.tolerateFailures = true;
            return this;
        }

        /**
         * Emits Java Flight Recorder events at every sample: {@code io.github.msrsafe.PackageTelemetry}
         * per package (frequency, busy share, package and DRAM power, temperatures, throttling and
         * its reasons) and {@code io.github.msrsafe.CpuTelemetry} per CPU (frequency, busy share),
         * so that an application sees them in JDK Mission Control beside its GC pauses. Off by
         * default; events cost nothing while no recording has them enabled. Needs the jdk.jfr
         * module, which class-path applications have and modular ones add with
         * {@code --add-modules jdk.jfr} or {@code requires jdk.jfr}.
         *
         * {@snippet :
         * Sampler sampler = Sampler.builder(msr).jfrEvents().open();   // then sample() as usual
         * }
         *
         * @return this builder
         * @throws IllegalStateException if the jdk.jfr module is not in the module graph
         */
        public Builder jfrEvents() {
            Module jfr = ModuleLayer.boot().findModule("jdk.jfr").orElse(null);
            if (jfr == null || !Sampler.class.getModule().canRead(jfr)) {
                throw new IllegalStateException("JFR events need the jdk.jfr module, which this application does not"
                        + " have: run it with --add-modules jdk.jfr, or add 'requires jdk.jfr' to its module-info");
            }
            this.jfrEvents = true;
            return this;
        }

        /** The emitter, in a method of its own so that jdk.jfr's classes load only when events are on. */
        private static Consumer<Sample> jfrEmitter() {
            JfrEmitter emitter = new JfrEmitter();
            return emitter::emit;
        }

        /**
         * The most power any package can draw, in watts: the bound that tells whether an energy
         * counter may have wrapped more than once in an interval, for processors whose
         * MSR_PKG_POWER_INFO is not readable (AMD has none). It replaces that register's maximum.
         *
         * @param watts the bound, above 0
         * @return this builder
         * @throws IllegalArgumentException if watts is not a finite number above 0
         */
        public Builder maxPackageWatts(double watts) {
            if (!(watts > 0) || Double.isInfinite(watts)) {
                throw new IllegalArgumentException("maximum package power must be a positive number of watts: " + watts);
            }
            this.maxPackageWatts = watts;
            return this;
        }

        /**
         * Builds the sampler and checks, before any sample, that every register its signals
         * need can be read. Without {@link #signals}, the sampler takes every signal of the vendor
         * whose registers this machine gives (allowlisted and implemented), and leaves out the
         * others ({@link Sampler#omitted()}); with them, a signal that cannot be read is an error.
         *
         * @return the sampler, ready for its first {@link Sampler#sample()}; close it to free its batch
         * @throws MsrNotAllowedException   naming each register the allowlist lacks and the signals needing it
         * @throws MsrFaultException        naming each register the processor lacks
         * @throws CpuUnavailableException  if a CPU of the topology is offline, or went offline
         * @throws IllegalArgumentException if a chosen signal is not available on the vendor, or nothing at all
         *                                  can be sampled
         */
        public Sampler open() throws MsrSafeException {
            Vendor chosenVendor = vendor != null ? vendor : Vendor.detect(msr);
            double dramUnit = dramJoulesPerUnit;
            if (Double.isNaN(dramUnit)) {
                dramUnit = detectedDramJoulesPerUnit(msr);
            }
            CpuTopology chosenTopology = topology != null ? topology : CpuTopology.detect(msr);
            for (int cpu : chosenTopology.cpuNumbers()) {
                if (!msr.cpus().contains(cpu)) {
                    // The machine's state, not the caller's mistake: the CPU is not online for this handle.
                    throw ExceptionAccess.create(FailureKind.CPU_UNAVAILABLE, 0, "build of a sampler on", msr.root(),
                            cpu, -1, "topology CPU " + cpu + " was not online when the handle was opened (online: "
                                    + CpuRanges.format(msr.cpus()) + "); open a new handle for the CPUs online now");
                }
            }
            List<Signal> chosen;
            Map<Signal, String> left = Map.of();
            if (signals != null) {
                chosen = signals;
                List<String> unavailable = chosen.stream().filter(signal -> !signal.availableOn(chosenVendor))
                        .map(Signal::columnName).toList();
                if (!unavailable.isEmpty()) {
                    throw new IllegalArgumentException("signals " + unavailable + " are not available on "
                            + chosenVendor + " processors; available: " + Signal.supportedBy(chosenVendor));
                }
            } else { // every signal that reads here, of the candidates or the vendor's
                List<Signal> tried = candidates == null ? Signal.supportedBy(chosenVendor)
                        : candidates.stream().filter(signal -> signal.availableOn(chosenVendor)).toList();
                Map<Signal, String> unreadable = new LinkedHashMap<>(unreadable(tried, chosenVendor,
                        chosenTopology.cpus().getFirst().cpu()));
                if (candidates != null) {
                    candidates.stream().filter(signal -> !signal.availableOn(chosenVendor)).forEach(signal -> unreadable
                            .put(signal, "is not available on " + chosenVendor + " processors"));
                }
                left = Collections.unmodifiableMap(unreadable);
                chosen = tried.stream().filter(signal -> !unreadable.containsKey(signal)).toList();
                if (chosen.isEmpty() && columns.isEmpty()) {
                    throw new IllegalArgumentException("no telemetry signal can be read here: " + left.values().stream()
                            .distinct().collect(Collectors.joining("; ")));
                }
            }
            LongSupplier chosenClock = clock != null ? clock : detectedClock(msr);
            Deriver.EnergyBounds bounds = energyBounds(chosenTopology, chosenVendor, dramUnit);
            Sampler sampler = new Sampler(msr, new Settings(chosen, List.copyOf(columns), chosenTopology, chosenVendor,
                    chosenClock, wallClock, dramUnit, tolerateFailures, left, bounds, jfrEvents ? jfrEmitter() : null));
            try {
                sampler.check();
                return sampler;
            } catch (MsrSafeException | RuntimeException e) {
                sampler.close();
                throw e;
            }
        }

        /**
         * The signals whose registers cannot be read on {@code cpu} (not allowlisted, not
         * implemented), each with why: one read per register, before the sampler exists.
         */
        private Map<Signal, String> unreadable(List<Signal> candidates, Vendor chosenVendor, int cpu) {
            Map<Long, String> reasons = new LinkedHashMap<>();
            Allowlist allowlist = readableAllowlist(msr);
            for (Signal signal : candidates) {
                for (long address : signal.addresses(chosenVendor)) {
                    reasons.computeIfAbsent(address, a -> whyUnreadable(allowlist, cpu, a));
                }
            }
            Map<Signal, String> omitted = new LinkedHashMap<>();
            for (Signal signal : candidates) {
                for (long address : signal.addresses(chosenVendor)) {
                    String reason = reasons.get(address);
                    if (!reason.isEmpty()) {
                        omitted.putIfAbsent(signal, Msr.describe(address) + " " + reason);
                    }
                }
            }
            return Collections.unmodifiableMap(omitted);
        }

        private String whyUnreadable(Allowlist allowlist, int cpu, long address) {
            if (allowlist != null && !allowlist.contains(address)) {
                return "is not in the allowlist";
            }
            try {
                msr.read(cpu, address);
                return "";
            } catch (MsrNotAllowedException e) {
                return "is not in the allowlist";
            } catch (MsrFaultException e) {
                return "is not implemented by this processor";
            } catch (MsrSafeException e) {
                return "does not read: " + e.getMessage();
            }
        }

        /**
         * The highest power each package's energy counters can see: MSR_PKG_POWER_INFO's and
         * MSR_DRAM_POWER_INFO's maximum where they read, {@link #maxPackageWatts} where set.
         */
        private Deriver.EnergyBounds energyBounds(CpuTopology chosenTopology, Vendor chosenVendor, double dramUnit) {
            List<CpuTopology.Placement> leaders = chosenTopology.packageLeaders();
            double[] packageWatts = new double[leaders.size()];
            double[] dramWatts = new double[leaders.size()];
            double[] joulesPerUnit = new double[leaders.size()];
            long unitRegister = chosenVendor == Vendor.AMD ? Msr.AMD_RAPL_POWER_UNIT : Msr.RAPL_POWER_UNIT;
            for (int pkg = 0; pkg < leaders.size(); pkg++) {
                int cpu = leaders.get(pkg).cpu();
                long units = readOr(cpu, unitRegister, -1);
                double wattsPerUnit = units == -1 ? Double.NaN : Derivations.raplPowerUnit(units);
                joulesPerUnit[pkg] = units == -1 ? Double.NaN : Derivations.raplEnergyUnit(units);
                packageWatts[pkg] = !Double.isNaN(maxPackageWatts) ? maxPackageWatts : chosenVendor == Vendor.AMD
                        ? Double.NaN : Derivations.maxPowerWatts(readOr(cpu, Msr.PKG_POWER_INFO, 0), wattsPerUnit);
                dramWatts[pkg] = chosenVendor == Vendor.AMD ? Double.NaN
                        : Derivations.maxPowerWatts(readOr(cpu, Msr.DRAM_POWER_INFO, 0), wattsPerUnit);
            }
            return new Deriver.EnergyBounds(packageWatts, dramWatts, joulesPerUnit);
        }

        /** A register's value, or {@code fallback} when it does not read (not allowlisted, not implemented). */
        private long readOr(int cpu, long address, long fallback) {
            try {
                return msr.read(cpu, address);
            } catch (MsrSafeException e) {
                return fallback;
            }
        }

        /** The clock the device's counters follow (a simulated device's own): the intervals are measured on it. */
        private static LongSupplier detectedClock(MsrSafe msr) {
            return HandleAccess.platform(msr).nanoClock();
        }

        /** The fixed DRAM energy unit of the processor under the handle, or NaN for the unit register's. */
        private static double detectedDramJoulesPerUnit(MsrSafe msr) {
            // No processor model is known for a simulated device or without /proc/cpuinfo: the register's unit.
            return HandleAccess.platform(msr).identity().stream().mapToDouble(
                    cpu -> RaplUnits.dramJoulesPerUnit(cpu).orElse(Double.NaN)).findFirst().orElse(Double.NaN);
        }
    }
}
