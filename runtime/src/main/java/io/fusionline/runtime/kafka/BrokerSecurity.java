package io.fusionline.runtime.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The TLS material and SCRAM user of a secured {@link EmbeddedKafkaBroker}, made fresh for each
 * broker with the JDK's {@code keytool}: a throw-away certificate authority, a broker certificate
 * for {@code 127.0.0.1} and {@code localhost} signed by it, a client certificate for mutual TLS,
 * PKCS12 stores under random passwords, and a SCRAM-SHA-512 user with a random password. The files
 * (owner-only) live in the broker's data folder and go with it.
 *
 * <p>Two client properties files describe the two secured listeners, as a user of a real cluster
 * would write them: {@code client-sasl-ssl.properties} (SCRAM over TLS) and {@code
 * client-mtls.properties} (a client certificate).
 */
final class BrokerSecurity {

    /** The SCRAM user the broker knows. */
    static final String USER = "fusionline";

    /** The SASL mechanism of the SASL_SSL listener. */
    static final String MECHANISM = "SCRAM-SHA-512";

    private final Path dir;
    private final String storePassword;
    private final String userPassword;

    private BrokerSecurity(Path dir, String storePassword, String userPassword) {
        this.dir = dir;
        this.storePassword = storePassword;
        this.userPassword = userPassword;
    }

    /** Makes the stores in {@code dir} (created if missing). */
    static BrokerSecurity create(Path dir) throws IOException {
        Files.createDirectories(dir);
        BrokerSecurity s = new BrokerSecurity(dir, secret(), secret());
        s.keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-dname",
                "CN=fusionline test CA",
                "-ext",
                "bc:c",
                "-keystore",
                "ca.p12");
        s.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        s.keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                "ca.pem",
                "-keystore",
                "truststore.p12");
        s.signed("broker", "CN=127.0.0.1", "SAN=ip:127.0.0.1,dns:localhost");
        s.signed("client", "CN=" + USER, null);
        for (Path f : List.of(s.file("ca.p12"), s.file("broker.p12"), s.file("client.p12"))) {
            ownerOnly(f);
        }
        return s;
    }

    /** A key pair in {@code <name>.p12} whose certificate the CA signed, after the CA's own. */
    private void signed(String name, String dname, String extension) throws IOException {
        String store = name + ".p12";
        keytool("-genkeypair", "-alias", name, "-dname", dname, "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
        List<String> sign =
                new ArrayList<>(
                        List.of(
                                "-gencert",
                                "-rfc",
                                "-alias",
                                "ca",
                                "-keystore",
                                "ca.p12",
                                "-infile",
                                name + ".csr",
                                "-outfile",
                                name + ".pem"));
        if (extension != null) {
            sign.add("-ext");
            sign.add(extension);
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
        keytool("-importcert", "-alias", name, "-file", name + ".pem", "-keystore", store);
    }

    /** The broker's settings for its SASL_SSL and SSL (client certificate required) listeners. */
    List<String> serverProperties() {
        return List.of(
                "sasl.enabled.mechanisms=" + MECHANISM,
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "listener.name.ssl.ssl.client.auth=required",
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + file("broker.p12"),
                "ssl.keystore.password=" + storePassword,
                "ssl.key.password=" + storePassword,
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + file("truststore.p12"),
                "ssl.truststore.password=" + storePassword);
    }

    /** The storage tool's {@code --add-scram} value that creates the user. */
    String scramCredential() {
        return MECHANISM + "=[name=" + USER + ",password=" + userPassword + "]";
    }

    /** Writes (once) and returns the client properties of SCRAM over TLS. */
    Path saslSslClientConfig() throws IOException {
        return clientConfig(
                "client-sasl-ssl.properties",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=" + MECHANISM,
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\""
                        + USER
                        + "\" password=\""
                        + userPassword
                        + "\";");
    }

    /** Writes (once) and returns the client properties of mutual TLS. */
    Path mtlsClientConfig() throws IOException {
        return clientConfig(
                "client-mtls.properties",
                "security.protocol=SSL",
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + file("client.p12"),
                "ssl.keystore.password=" + storePassword,
                "ssl.key.password=" + storePassword);
    }

    /** Writes a client properties file with a wrong SCRAM password, for refusal tests. */
    Path wrongPasswordClientConfig() throws IOException {
        return clientConfig(
                "client-wrong-password.properties",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=" + MECHANISM,
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\""
                        + USER
                        + "\" password=\"not-"
                        + userPassword
                        + "\";");
    }

    /** Writes client properties that trust the broker but present no client certificate. */
    Path noCertificateClientConfig() throws IOException {
        return clientConfig("client-no-certificate.properties", "security.protocol=SSL");
    }

    private Path clientConfig(String name, String... lines) throws IOException {
        Path f = file(name);
        List<String> all = new ArrayList<>(List.of(lines));
        all.add("ssl.truststore.type=PKCS12");
        all.add("ssl.truststore.location=" + file("truststore.p12"));
        all.add("ssl.truststore.password=" + storePassword);
        Files.writeString(f, String.join("\n", all) + "\n", StandardCharsets.UTF_8);
        ownerOnly(f);
        return f;
    }

    private Path file(String name) {
        return dir.resolve(name).toAbsolutePath();
    }

    private void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        boolean newKey = args[0].equals("-genkeypair");
        if (newKey) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        if (args[0].equals("-gencert")) {
            command.addAll(List.of("-validity", "2"));
        }
        command.addAll(List.of("-storetype", "PKCS12", "-storepass:env", "STORE_PASSWORD"));
        if (newKey) {
            command.addAll(List.of("-keypass:env", "STORE_PASSWORD"));
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().put("STORE_PASSWORD", storePassword);
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile());
        Process p = builder.start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(
                        "keytool "
                                + args[0]
                                + " failed: "
                                + Files.readString(dir.resolve("keytool.log")).strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }

    private static String secret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void ownerOnly(Path f) throws IOException {
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // another file system: its own permissions apply
        }
    }
}
