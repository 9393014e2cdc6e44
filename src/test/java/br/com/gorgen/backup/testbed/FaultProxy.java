package br.com.gorgen.backup.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy between the service and a real server (S3Proxy, MariaDB) that injects the faults of a network and of a
 * server under stress, by real means: every byte goes through real sockets, and a fault is what the service's client
 * meets on the wire.
 * <ul>
 * <li>{@link #stall()}: nothing more is forwarded either way until {@link #pass()} (a paused server);</li>
 * <li>{@link #refuse()}: every connection is closed, new ones at once (a server down);</li>
 * <li>{@link #cutAfter}: once that many more bytes went towards the server, every connection is closed and new ones
 * refused (an outage in the middle of an upload or a dump);</li>
 * <li>{@link #answerHttp}: each new connection reads one request and gets that HTTP status (S3 answering 503);</li>
 * <li>{@link #slow}: every answer waits that long before it is forwarded (seconds per request).</li>
 * </ul>
 */
public final class FaultProxy implements AutoCloseable {
    private enum Mode {
        PASS, STALL, REFUSE, HTTP
    }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.PASS;
    private volatile int httpStatus;
    private volatile long cutAt = Long.MAX_VALUE;
    private volatile long cutAnswersAt = Long.MAX_VALUE;
    private volatile Duration slow = Duration.ZERO;
    private final AtomicLong towardsServer = new AtomicLong();
    private final AtomicLong towardsClient = new AtomicLong();
    private final AtomicInteger answered = new AtomicInteger();
    private final Object gate = new Object();

    public FaultProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new AssertionError("cannot open the fault proxy: " + e.getMessage(), e);
        }
        Thread acceptor = new Thread(this::accept, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>} (an S3 endpoint through the proxy). */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Bytes forwarded so far towards the server / towards the client. */
    public long bytesTowardsServer() {
        return towardsServer.get();
    }

    public long bytesTowardsClient() {
        return towardsClient.get();
    }

    /** How many requests {@link #answerHttp} answered. */
    public int answered() {
        return answered.get();
    }

    /** Back to forwarding everything, at once. */
    public void pass() {
        cutAt = Long.MAX_VALUE;
        cutAnswersAt = Long.MAX_VALUE;
        slow = Duration.ZERO;
        setMode(Mode.PASS);
    }

    public void stall() {
        setMode(Mode.STALL);
    }

    public void refuse() {
        setMode(Mode.REFUSE);
        closeAll();
    }

    /** Cuts every connection once {@code bytes} more bytes went towards the server. */
    public void cutAfter(long bytes) {
        cutAt = towardsServer.get() + bytes;
    }

    /** Cuts every connection once {@code bytes} more bytes came back from the server (a dump's output). */
    public void cutAfterAnswers(long bytes) {
        cutAnswersAt = towardsClient.get() + bytes;
    }

    /** Every new request is answered with this HTTP status (existing connections are closed first). */
    public void answerHttp(int status) {
        httpStatus = status;
        setMode(Mode.HTTP);
        closeAll();
    }

    /** Every answer of the server is held this long before it is forwarded (latency injection, not a test's wait). */
    public void slow(Duration perAnswer) {
        slow = perAnswer;
    }

    private void setMode(Mode m) {
        synchronized (gate) {
            mode = m;
            gate.notifyAll();
        }
    }

    private void closeAll() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        open.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket client) {
        try {
            if (mode == Mode.REFUSE) {
                client.close();
                return;
            }
            if (mode == Mode.HTTP) {
                answer(client);
                return;
            }
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(targetHost, targetPort), 5000);
            open.add(client);
            open.add(upstream);
            Thread up = new Thread(() -> pump(client, upstream, true), "fault-proxy-up");
            up.setDaemon(true);
            up.start();
            pump(upstream, client, false);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private void answer(Socket client) throws IOException {
        try (client) {
            InputStream in = client.getInputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            answered.incrementAndGet();
            String body = "<Error><Code>SlowDown</Code><Message>injected by the test's fault proxy</Message></Error>";
            client.getOutputStream().write(("HTTP/1.1 " + httpStatus + " Injected\r\nContent-Type: application/xml\r\n"
                    + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
        }
    }

    private void pump(Socket from, Socket to, boolean towardsTheServer) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (gate) {
                    while (mode == Mode.STALL) {
                        gate.wait();
                    }
                }
                if (mode != Mode.PASS) {
                    break;
                }
                if (towardsTheServer) {
                    long total = towardsServer.addAndGet(n);
                    if (total >= cutAt) {
                        refuse();
                        break;
                    }
                } else {
                    if (towardsClient.addAndGet(n) >= cutAnswersAt) {
                        refuse();
                        break;
                    }
                    Duration d = slow;
                    if (!d.isZero()) {
                        LockSupport.parkNanos(d.toNanos());
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the other side went away, or a fault closed it
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        pass();
        closeAll();
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
