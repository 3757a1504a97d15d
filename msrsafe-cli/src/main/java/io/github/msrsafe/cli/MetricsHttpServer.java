package io.github.msrsafe.cli;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * The exporter's HTTP side: {@code GET /metrics} in the Prometheus text format (OpenMetrics when
 * the client asks for it), written by the Prometheus client's own format writers. A scrape only
 * renders the metrics it is handed; it never reads a register.
 *
 * <p>Hostile or broken clients cannot hold it up: each connection has its own virtual thread,
 * at most {@link Limits#connections()} at once (more are answered 503 and closed at once), each
 * must send its request head within {@link Limits#requestTime()} (a read timeout, and a deadline
 * however slowly the bytes trickle in), and a connection is closed after
 * {@link Limits#connectionTime()} whatever it is doing, so a client that never reads its response
 * frees its thread too. Only GET and HEAD are served (405 otherwise); HEAD answers the headers of
 * GET. Every response closes the connection.
 */
final class MetricsHttpServer implements AutoCloseable {

    /** The longest request head read (request line and headers). */
    static final int MAX_HEAD_BYTES = 8192;

    /**
     * What the server allows each client.
     *
     * @param connections    connections served at once; more are refused with 503
     * @param requestTime    time to send the request head, from accept
     * @param connectionTime time a connection may stay open in all, response included
     */
    record Limits(int connections, Duration requestTime, Duration connectionTime) {
        /** What {@code msrsafe exporter} uses: 64 connections, 10 s for the request, 30 s in all. */
        static final Limits DEFAULT = new Limits(64, Duration.ofSeconds(10), Duration.ofSeconds(30));

        Limits {
            if (connections < 1 || requestTime.isNegative() || requestTime.isZero()
                    || connectionTime.compareTo(requestTime) < 0) {
                throw new IllegalArgumentException("bad limits: " + connections + " connections, request time "
                        + requestTime + ", connection time " + connectionTime);
            }
        }
    }

    private final ServerSocket socket;
    private final Supplier<MetricSnapshots> metrics;
    private final Limits limits;
    private final Semaphore slots;
    private final ExecutorService connections;
    private final ScheduledExecutorService deadlines;
    private final Thread acceptor;

    private MetricsHttpServer(ServerSocket socket, Supplier<MetricSnapshots> metrics, Limits limits) {
        this.socket = socket;
        this.metrics = metrics;
        this.limits = limits;
        this.slots = new Semaphore(limits.connections());
        this.connections = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("msrsafe-http-", 0).factory());
        this.deadlines = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("msrsafe-http-deadlines").daemon().factory());
        this.acceptor = Thread.ofPlatform().name("msrsafe-http-accept").daemon().unstarted(this::acceptLoop);
    }

    /**
     * Listens on {@code address:port} and serves {@code metrics} until closed.
     *
     * @param metrics what a scrape renders; called once per GET or HEAD of /metrics
     * @throws IOException if the address cannot be listened on (in use, not this machine's)
     */
    static MetricsHttpServer start(InetAddress address, int port, Supplier<MetricSnapshots> metrics, Limits limits)
            throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port), 50);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        MetricsHttpServer server = new MetricsHttpServer(socket, Objects.requireNonNull(metrics, "metrics"), limits);
        server.acceptor.start();
        return server;
    }

    /** {@return the port it listens on (the chosen one when started with 0)} */
    int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                continue; // a connection reset before accept: nothing to serve
            }
            if (!slots.tryAcquire()) {
                refuse(client);
                continue;
            }
            ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(client),
                    limits.connectionTime().toMillis(), TimeUnit.MILLISECONDS);
            try {
                connections.execute(() -> {
                    try {
                        serve(client);
                    } finally {
                        deadline.cancel(false);
                        closeQuietly(client);
                        slots.release();
                    }
                });
            } catch (RuntimeException e) { // shutting down
                deadline.cancel(false);
                closeQuietly(client);
                slots.release();
            }
        }
    }

    /** Too many connections: a short 503, written without waiting on the client, then closed. */
    private static void refuse(Socket client) {
        try (client) {
            respond(client.getOutputStream(), 503, "Service Unavailable", "text/plain; charset=utf-8",
                    "too many connections; try again\n".getBytes(StandardCharsets.UTF_8), false, "Retry-After: 1\r\n");
        } catch (IOException e) {
            // the client is gone; nothing to tell it
        }
    }

    private void serve(Socket client) {
        try {
            Request request = readRequest(client);
            if (request == null) {
                return;
            }
            OutputStream out = client.getOutputStream();
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                respond(out, 405, "Method Not Allowed", "text/plain; charset=utf-8",
                        ("method " + request.method() + " is not allowed; use GET\n").getBytes(StandardCharsets.UTF_8),
                        false, "Allow: GET, HEAD\r\n");
                return;
            }
            boolean head = request.method().equals("HEAD");
            switch (request.path()) {
                case "/metrics" -> {
                    ExpositionFormatWriter writer = writerFor(request.accept());
                    ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
                    writer.write(body, metrics.get());
                    byte[] bytes = body.toByteArray();
                    boolean gzip = request.acceptEncoding().contains("gzip");
                    if (gzip) {
                        bytes = gzip(bytes);
                    }
                    respond(out, 200, "OK", writer.getContentType(), head ? null : bytes, gzip,
                            head ? "Content-Length: " + bytes.length + "\r\n" : "");
                }
                case "/-/healthy" -> respond(out, 200, "OK", "text/plain; charset=utf-8",
                        head ? null : "Exporter is healthy.\n".getBytes(StandardCharsets.UTF_8), false, "");
                case "/" -> respond(out, 200, "OK", "text/plain; charset=utf-8", head ? null
                        : "msrsafe exporter: the metrics are at /metrics\n".getBytes(StandardCharsets.UTF_8), false, "");
                default -> respond(out, 404, "Not Found", "text/plain; charset=utf-8",
                        head ? null : "not found; the metrics are at /metrics\n".getBytes(StandardCharsets.UTF_8),
                        false, "");
            }
        } catch (SocketTimeoutException e) {
            try {
                respond(client.getOutputStream(), 408, "Request Timeout", "text/plain; charset=utf-8",
                        "request not received in time\n".getBytes(StandardCharsets.UTF_8), false, "");
            } catch (IOException ignored) {
                // gone
            }
        } catch (IOException | RuntimeException e) {
            // a client that went away or broke the connection deadline: nothing more to do for it
        }
    }

    /** A parsed request head: what the server looks at. */
    private record Request(String method, String path, String accept, String acceptEncoding) {}

    /**
     * Reads the request line and headers within the request time, at most {@link #MAX_HEAD_BYTES};
     * null (after answering 400 or 431) for a malformed one.
     */
    private Request readRequest(Socket client) throws IOException {
        long deadline = System.nanoTime() + limits.requestTime().toNanos();
        InputStream in = client.getInputStream();
        byte[] head = new byte[MAX_HEAD_BYTES];
        int length = 0;
        int headEnd;
        int scanned = 0;
        while ((headEnd = endOfHead(head, scanned, length)) < 0) {
            scanned = Math.max(0, length - 3);
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis <= 0) {
                throw new SocketTimeoutException("request head not complete in time");
            }
            if (length == head.length) {
                respond(client.getOutputStream(), 431, "Request Header Fields Too Large", "text/plain; charset=utf-8",
                        ("request head longer than " + MAX_HEAD_BYTES + " bytes\n").getBytes(StandardCharsets.UTF_8),
                        false, "");
                return null;
            }
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
            int read = in.read(head, length, head.length - length);
            if (read < 0) {
                return null; // closed before a whole request: nothing to answer
            }
            length += read;
        }
        // Whatever follows the head (a body) is never read: no method that has one is served.
        String[] lines = new String(head, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r?\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || requestLine[0].isEmpty()
                || !requestLine[1].startsWith("/")) {
            respond(client.getOutputStream(), 400, "Bad Request", "text/plain; charset=utf-8",
                    "malformed request line\n".getBytes(StandardCharsets.UTF_8), false, "");
            return null;
        }
        String accept = "";
        String acceptEncoding = "";
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).strip();
                if (name.equals("accept")) {
                    accept = value;
                } else if (name.equals("accept-encoding")) {
                    acceptEncoding = value.toLowerCase(Locale.ROOT);
                }
            }
        }
        String target = requestLine[1];
        int query = target.indexOf('?');
        return new Request(requestLine[0], query >= 0 ? target.substring(0, query) : target, accept, acceptEncoding);
    }

    /** The length of the request head in the first {@code length} bytes (up to its blank line), or -1 if not all there; bytes before {@code from} were looked at already. */
    private static int endOfHead(byte[] bytes, int from, int length) {
        for (int i = Math.max(1, from); i < length; i++) {
            if (bytes[i] == '\n' && (bytes[i - 1] == '\n' || i >= 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n')) {
                return i + 1;
            }
        }
        return -1;
    }

    private static ExpositionFormatWriter writerFor(String accept) {
        OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();
        return openMetrics.accepts(accept) ? openMetrics : PrometheusTextFormatWriter.create();
    }

    /**
     * Writes a whole response and flushes it.
     *
     * @param body         the body, or null for none (a HEAD, whose Content-Length the caller gives in extraHeaders)
     * @param extraHeaders further header lines, each ending in CRLF
     */
    private static void respond(OutputStream out, int status, String reason, String contentType, byte[] body,
            boolean gzip, String extraHeaders) throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append("Connection: close\r\n");
        if (gzip) {
            head.append("Content-Encoding: gzip\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append(extraHeaders).append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(bytes.length / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(bytes);
        }
        return compressed.toByteArray();
    }

    private static void closeQuietly(Socket client) {
        try {
            client.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Stops listening, closes every open connection's thread and waits briefly for them. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.shutdownNow();
        deadlines.shutdownNow();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
