package io.paysync.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a broker that can cut a connection in the middle of a request: once
 * {@link #cutAfterNextRequest()} is called, the next bytes the client sends are passed on to the
 * broker, and the broker's first answer after them is dropped and both sockets closed. For a
 * message send, the broker has (very likely) stored the message but the client never hears so —
 * the moment a crash or a network cut leaves a delivery in doubt.
 */
public final class CuttingTcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicBoolean cutAfterNextRequest = new AtomicBoolean();
    private final AtomicBoolean cutOnNextAnswer = new AtomicBoolean();
    private final AtomicInteger cuts = new AtomicInteger();

    public CuttingTcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "cutting-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Arms one cut: after the client's next request, the broker's answer is dropped with the connection. */
    public void cutAfterNextRequest() {
        cutAfterNextRequest.set(true);
    }

    /** How many connections were cut so far. */
    public int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(broker);
                pump(client, broker, true);
                pump(broker, client, false);
            } catch (IOException e) {
                // closed, or the broker refused: the client sees its connection closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (!request && cutOnNextAnswer.compareAndSet(true, false)) {
                        cuts.incrementAndGet();
                        break;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                    if (request && cutAfterNextRequest.compareAndSet(true, false)) {
                        cutOnNextAnswer.set(true);
                    }
                }
            } catch (IOException e) {
                // the other side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, request ? "cutting-proxy-request" : "cutting-proxy-answer");
        pump.setDaemon(true);
        pump.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(CuttingTcpProxy::closeQuietly);
    }
}
