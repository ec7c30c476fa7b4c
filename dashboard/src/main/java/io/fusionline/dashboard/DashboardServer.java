package io.fusionline.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The live dashboard: a small web app (plain HTML and JavaScript from {@code /dashboard/} on the
 * classpath) and its JSON API over a {@link DashboardFeed}, on the JDK's HTTP server.
 *
 * <p><b>Access.</b> Every request needs the token made at start-up (128 random bits), as {@code
 * ?token=} or header {@code X-Fusionline-Token}; {@link #url()} carries it. Without it: 401. It
 * binds to 127.0.0.1 unless told otherwise. Responses are not cached.
 *
 * <p>Endpoints: {@code /} the page; {@code /app.js}, {@code /style.css}; {@code /api/state} the
 * feed's snapshot; {@code /api/frame?source=S&sequence=N} a held frame's image bytes.
 */
public final class DashboardServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> STATIC =
            Map.of(
                    "/", "index.html",
                    "/index.html", "index.html",
                    "/app.js", "app.js",
                    "/style.css", "style.css");

    private final DashboardFeed feed;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String token;
    private boolean ownsFeed;

    private DashboardServer(DashboardFeed feed, HttpServer server, ExecutorService executor) {
        this.feed = feed;
        this.server = server;
        this.executor = executor;
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
    }

    /**
     * Reads the job's topics ({@link DashboardFeed}, from the recent past: at most 500 records per
     * partition back) and serves them on {@code bindAddress:port}; {@link #close} stops both.
     */
    public static DashboardServer serve(
            org.apache.flink.configuration.Configuration jobConf, String bindAddress, int port)
            throws IOException {
        DashboardFeed feed = new DashboardFeed(jobConf);
        try {
            feed.start();
            DashboardServer server = start(feed, bindAddress, port);
            server.ownsFeed = true;
            return server;
        } catch (IOException | RuntimeException e) {
            feed.close();
            throw e;
        }
    }

    /**
     * Serves {@code feed} on {@code bindAddress:port} (port 0 picks a free one).
     *
     * @throws IOException when the address cannot be bound
     */
    public static DashboardServer start(DashboardFeed feed, String bindAddress, int port)
            throws IOException {
        HttpServer http =
                HttpServer.create(
                        new InetSocketAddress(InetAddress.getByName(bindAddress), port), 16);
        ExecutorService executor =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "dashboard-http");
                            t.setDaemon(true);
                            return t;
                        });
        DashboardServer server = new DashboardServer(feed, http, executor);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        return server;
    }

    /** The page's address with the token, for the terminal. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().getHostAddress();
        if (address.getAddress().isAnyLocalAddress()) {
            host = "127.0.0.1";
        }
        return "http://" + host + ":" + address.getPort() + "/?token=" + token;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            Map<String, String> query = query(uri.getRawQuery());
            String given = exchange.getRequestHeaders().getFirst("X-Fusionline-Token");
            if (given == null) {
                given = query.get("token");
            }
            if (given == null
                    || !MessageDigest.isEqual(
                            token.getBytes(StandardCharsets.UTF_8),
                            given.getBytes(StandardCharsets.UTF_8))) {
                send(
                        exchange,
                        401,
                        "text/plain",
                        "token required\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", new byte[0]);
                return;
            }
            String path = uri.getPath();
            if (STATIC.containsKey(path)) {
                String name = STATIC.get(path);
                try (InputStream in =
                        DashboardServer.class.getResourceAsStream("/dashboard/" + name)) {
                    if (in == null) {
                        send(exchange, 500, "text/plain", ("missing " + name).getBytes());
                        return;
                    }
                    byte[] body = in.readAllBytes();
                    if (name.endsWith(".html")) {
                        // The page's own requests (style, script, API) carry the token on.
                        body =
                                new String(body, StandardCharsets.UTF_8)
                                        .replace("{{TOKEN}}", token)
                                        .getBytes(StandardCharsets.UTF_8);
                    }
                    send(exchange, 200, contentType(name), body);
                }
            } else if (path.equals("/api/state")) {
                send(exchange, 200, "application/json", JSON.writeValueAsBytes(feed.snapshot()));
            } else if (path.equals("/api/frame")) {
                DashboardFeed.Frame frame = frame(query);
                if (frame == null) {
                    send(exchange, 404, "text/plain", new byte[0]);
                } else {
                    send(
                            exchange,
                            200,
                            frame.format().equals("PNG") ? "image/png" : "image/jpeg",
                            frame.bytes());
                }
            } else {
                send(exchange, 404, "text/plain", new byte[0]);
            }
        }
    }

    private DashboardFeed.Frame frame(Map<String, String> query) {
        try {
            return feed.frame(query.get("source"), Long.parseLong(query.get("sequence")));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String contentType(String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "text/html; charset=utf-8";
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (ownsFeed) {
            feed.close();
        }
    }
}
