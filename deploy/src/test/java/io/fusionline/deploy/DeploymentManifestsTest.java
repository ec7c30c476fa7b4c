package io.fusionline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fusionline.jobs.FusionlineJobMain;
import io.fusionline.jobs.FusionlineJobOptions;
import io.fusionline.runtime.kafka.FusionlineTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Parses every deployment manifest under {@code deploy/} and checks the fields each needs to work,
 * and that they agree with each other and with the code: the image holds the job jar where the
 * FlinkDeployment and compose file look for it, on the Flink version of the build; the job's
 * arguments are valid job options pointing at the Kafka the manifests define; every topic the job
 * uses is declared, and nothing else.
 */
class DeploymentManifestsTest {

    private static final Path DOCKER = Path.of("docker");
    private static final Path KUBERNETES = Path.of("kubernetes");
    private static final String JOB_JAR = "/opt/flink/usrlib/fusionline-job.jar";
    private static final YAMLMapper YAML = new YAMLMapper();

    private static final String FLINK_VERSION = System.getProperty("flink.version", "");

    @Test
    void shouldBuildTheJobImageOnTheOfficialFlinkImageOfTheBuildsVersion() throws IOException {
        assertThat(FLINK_VERSION).as("flink.version from the build").isNotBlank();
        List<String> lines = Files.readAllLines(DOCKER.resolve("Dockerfile"));
        List<String> froms = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(1)).startsWith("FROM flink:" + FLINK_VERSION + "-").endsWith("java17");
        assertThat(lines)
                .anyMatch(l -> l.startsWith("COPY --from=build") && l.endsWith(" " + JOB_JAR))
                .anyMatch(l -> l.contains("flink-s3-fs-presto-" + FLINK_VERSION + ".jar"))
                .anyMatch(l -> l.contains("-pl jobs -am package"));
    }

    @Test
    void shouldRunTheJobJarWithValidOptionsOnTheFlinkKubernetesOperator() throws IOException {
        JsonNode deployment = single(KUBERNETES.resolve("flink-deployment.yaml"));
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(deployment.path("kind").asText()).isEqualTo("FlinkDeployment");
        assertThat(deployment.path("metadata").path("name").asText()).isNotBlank();
        JsonNode spec = deployment.path("spec");
        assertThat(spec.path("image").asText()).isNotBlank();
        String[] version = FLINK_VERSION.split("\\.");
        assertThat(spec.path("flinkVersion").asText())
                .isEqualTo("v" + version[0] + "_" + version[1]);
        assertThat(spec.path("serviceAccount").asText()).isNotBlank();
        for (String role : List.of("jobManager", "taskManager")) {
            JsonNode resource = spec.path(role).path("resource");
            assertThat(resource.path("memory").asText()).as(role).matches("\\d+[mg]");
            assertThat(resource.path("cpu").asDouble()).as(role).isPositive();
        }
        JsonNode flink = spec.path("flinkConfiguration");
        assertThat(flink.path("execution.checkpointing.dir").asText()).startsWith("s3://");
        assertThat(flink.path("execution.checkpointing.savepoint-dir").asText())
                .startsWith("s3://");
        assertThat(flink.path("s3.endpoint").asText()).startsWith("http");
        assertThat(flink.path("state.backend.type").asText()).isIn("rocksdb", "hashmap");
        assertThat(flink.path("high-availability.type").asText()).isEqualTo("kubernetes");

        JsonNode job = spec.path("job");
        assertThat(job.path("jarURI").asText()).isEqualTo("local://" + JOB_JAR);
        assertThat(job.path("entryClass").asText()).isEqualTo(FusionlineJobMain.class.getName());
        assertThat(job.path("parallelism").asInt()).isPositive();
        assertThat(job.path("upgradeMode").asText()).isIn("savepoint", "last-state");
        assertThat(job.path("state").asText()).isEqualTo("running");
        Configuration conf = jobConfiguration(job.path("args"));
        assertThat(conf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS)).isEqualTo(strimziBootstrap());

        // the client properties come from a Secret mounted on every pod, at the path the job reads
        Path clientConfig = Path.of(CLIENT_CONFIG.get());
        JsonNode container = spec.path("podTemplate").path("spec").path("containers").get(0);
        JsonNode mount = null;
        for (JsonNode m : container.path("volumeMounts")) {
            if (clientConfig.startsWith(m.path("mountPath").asText())) {
                mount = m;
            }
        }
        assertThat(mount).as("a mount holding %s", clientConfig).isNotNull();
        String volume = mount.path("name").asText();
        JsonNode secret = null;
        for (JsonNode v : spec.path("podTemplate").path("spec").path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                secret = v.path("secret");
            }
        }
        assertThat(secret.path("secretName").asText())
                .as("volume %s is a Secret", volume)
                .isNotBlank();
        assertThat(String.join(" ", texts(job.path("args")))).doesNotContain("password");
        assertThat(conf.get(FusionlineJobOptions.JOB_NAME))
                .isEqualTo(deployment.path("metadata").path("name").asText());
    }

    /** The client properties the manifest's comment describes, with stand-in secrets. */
    private static Path exampleClientConfig() throws IOException {
        Path file = Files.createTempFile("client", ".properties");
        Files.writeString(
                file,
                "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                        + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"fusionline-job\" password=\"x\";\n"
                        + "ssl.truststore.type=PKCS12\nssl.truststore.location=/etc/fusionline/ca/ca.p12\n"
                        + "ssl.truststore.password=y\n");
        file.toFile().deleteOnExit();
        return file;
    }

    @Test
    void shouldDeclareAKraftKafkaThatCanHoldTheJobsTransactions() throws IOException {
        List<JsonNode> docs = all(KUBERNETES.resolve("kafka.yaml"));
        JsonNode pool = ofKind(docs, "KafkaNodePool");
        JsonNode kafka = ofKind(docs, "Kafka");
        assertThat(kafka.path("apiVersion").asText()).startsWith("kafka.strimzi.io/");
        assertThat(kafka.path("metadata").path("annotations").path("strimzi.io/kraft").asText())
                .isEqualTo("enabled");
        assertThat(pool.path("metadata").path("labels").path("strimzi.io/cluster").asText())
                .isEqualTo(kafka.path("metadata").path("name").asText());
        assertThat(pool.path("spec").path("roles"))
                .extracting(JsonNode::asText)
                .contains("controller", "broker");
        int brokers = pool.path("spec").path("replicas").asInt();
        JsonNode config = kafka.path("spec").path("kafka").path("config");
        int txReplicas = config.path("transaction.state.log.replication.factor").asInt();
        assertThat(txReplicas).isBetween(1, brokers);
        assertThat(config.path("transaction.state.log.min.isr").asInt()).isBetween(1, txReplicas);
        assertThat(config.path("transaction.max.timeout.ms").asLong()).isLessThanOrEqualTo(900_000);
        assertThat(kafka.path("spec").path("entityOperator").has("topicOperator")).isTrue();

        // clients authenticate: SCRAM over TLS, and a user that may do what the job does
        JsonNode listener = kafka.path("spec").path("kafka").path("listeners").get(0);
        assertThat(kafka.path("spec").path("kafka").path("listeners")).hasSize(1);
        assertThat(listener.path("tls").asBoolean()).isTrue();
        assertThat(listener.path("authentication").path("type").asText())
                .isEqualTo("scram-sha-512");
        JsonNode user = ofKind(docs, "KafkaUser");
        assertThat(user.path("spec").path("authentication").path("type").asText())
                .isEqualTo("scram-sha-512");
        List<String> resources = new ArrayList<>();
        user.path("spec")
                .path("authorization")
                .path("acls")
                .forEach(a -> resources.add(a.path("resource").path("type").asText()));
        assertThat(resources).contains("topic", "group", "transactionalId", "cluster");
    }

    @Test
    void shouldDeclareExactlyTheJobsTopics() throws IOException {
        JsonNode kafka = ofKind(all(KUBERNETES.resolve("kafka.yaml")), "Kafka");
        int brokers =
                ofKind(all(KUBERNETES.resolve("kafka.yaml")), "KafkaNodePool")
                        .path("spec")
                        .path("replicas")
                        .asInt();
        List<JsonNode> topics = all(KUBERNETES.resolve("kafka-topics.yaml"));
        Set<String> names = new HashSet<>();
        for (JsonNode topic : topics) {
            String name = topic.path("metadata").path("name").asText();
            assertThat(topic.path("kind").asText()).isEqualTo("KafkaTopic");
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText())
                    .as(name)
                    .isEqualTo(kafka.path("metadata").path("name").asText());
            assertThat(topic.path("spec").path("partitions").asInt()).as(name).isPositive();
            assertThat(topic.path("spec").path("replicas").asInt()).as(name).isBetween(1, brokers);
            names.add(name);
        }
        assertThat(topics).hasSameSizeAs(names);
        assertThat(names)
                .containsExactlyInAnyOrderElementsOf(FusionlineTopics.names(new Configuration()));
    }

    @Test
    void shouldComposeALaptopClusterAroundTheJobImage() throws IOException {
        JsonNode services = single(DOCKER.resolve("docker-compose.yml")).path("services");
        JsonNode jobManager = services.path("jobmanager");
        JsonNode taskManager = services.path("taskmanager");
        assertThat(jobManager.path("image").asText())
                .isNotBlank()
                .isEqualTo(taskManager.path("image").asText());
        List<String> command = texts(jobManager.path("command"));
        assertThat(command.get(0)).isEqualTo("standalone-job");
        assertThat(command.get(command.indexOf("--job-classname") + 1))
                .isEqualTo(FusionlineJobMain.class.getName());
        Configuration conf = jobConfiguration(jobManager.path("command"));
        FusionlineJobOptions.validate(conf);
        String bootstrap = conf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS);
        assertThat(
                        services.path("kafka")
                                .path("environment")
                                .path("KAFKA_ADVERTISED_LISTENERS")
                                .asText())
                .contains("//" + bootstrap);
        assertThat(taskManager.path("command").asText()).isEqualTo("taskmanager");
        for (JsonNode flink : List.of(jobManager, taskManager)) {
            assertThat(flink.path("environment").path("FLINK_PROPERTIES").asText())
                    .contains("jobmanager.rpc.address: jobmanager")
                    .contains("execution.checkpointing.dir: file:///checkpoints/");
        }
        String topics = services.path("topics").path("command").get(0).asText();
        for (String topic : FusionlineTopics.names(new Configuration())) {
            assertThat(topics).as("topic %s created", topic).containsPattern("\\b" + topic + "\\b");
        }
    }

    @Test
    void shouldComposeASecuredVariantWhoseClientsAllAuthenticate() throws IOException {
        JsonNode services = single(DOCKER.resolve("docker-compose.secured.yml")).path("services");
        String kafka = services.path("kafka").path("command").get(0).asText();
        String listeners =
                kafka.lines()
                        .filter(l -> l.startsWith("listener.security.protocol.map="))
                        .findFirst()
                        .orElseThrow();
        assertThat(listeners.substring(listeners.indexOf('=') + 1).split(","))
                .allMatch(l -> l.startsWith("CONTROLLER:") || l.endsWith(":SASL_SSL"));
        assertThat(kafka)
                .contains("inter.broker.listener.name=SASL_SSL")
                .contains("--add-scram \"SCRAM-SHA-512=[name=fusionline");

        JsonNode jobManager = services.path("jobmanager");
        List<String> command = texts(jobManager.path("command"));
        assertThat(String.join(" ", command)).doesNotContain("password");
        Configuration conf = jobConfiguration(jobManager.path("command"));
        assertThat(conf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS)).isEqualTo("kafka:9094");
        String clientConfig = CLIENT_CONFIG.get();
        for (String flink : List.of("jobmanager", "taskmanager")) {
            assertThat(texts(services.path(flink).path("volumes")))
                    .as("%s mounts the client properties", flink)
                    .anyMatch(v -> clientConfig.startsWith(v.split(":")[1] + "/"));
        }
        String topics = services.path("topics").path("command").get(0).asText();
        assertThat(topics).contains("--command-config " + clientConfig);
        for (String topic : FusionlineTopics.names(new Configuration())) {
            assertThat(topics).as("topic %s created", topic).containsPattern("\\b" + topic + "\\b");
        }
    }

    /**
     * The job's options as {@link FusionlineJobMain} reads the manifest's arguments, checked; a
     * client properties file the manifest names is read from a stand-in with the same settings (the
     * real one is a Secret), and its path in the manifest is kept in {@link #CLIENT_CONFIG}.
     */
    private static Configuration jobConfiguration(JsonNode args) throws IOException {
        List<String> list = new ArrayList<>(texts(args));
        int main = list.indexOf("--job-classname"); // Flink's standalone-job: program args follow
        List<String> program = main < 0 ? list : list.subList(main + 2, list.size());
        String key = FusionlineJobOptions.KAFKA_CLIENT_CONFIG.key() + "=";
        for (int i = 0; i < program.size(); i++) {
            if (program.get(i).startsWith(key)) {
                CLIENT_CONFIG.set(program.get(i).substring(key.length()));
                program.set(i, key + exampleClientConfig());
            }
        }
        return FusionlineJobMain.configuration(program.toArray(String[]::new));
    }

    /** The client properties path the last manifest read names. */
    private static final java.util.concurrent.atomic.AtomicReference<String> CLIENT_CONFIG =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Strimzi's bootstrap service of the TLS internal listener: {@code <name>-kafka-bootstrap}. */
    private static String strimziBootstrap() throws IOException {
        JsonNode kafka = ofKind(all(KUBERNETES.resolve("kafka.yaml")), "Kafka");
        JsonNode tls = null;
        for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
            if (listener.path("tls").asBoolean()
                    && "internal".equals(listener.path("type").asText())) {
                tls = listener;
            }
        }
        assertThat(tls).as("a TLS internal listener").isNotNull();
        return kafka.path("metadata").path("name").asText()
                + "-kafka-bootstrap:"
                + tls.path("port").asInt();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode ofKind(List<JsonNode> docs, String kind) {
        List<JsonNode> matching =
                docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertThat(matching).as("one %s", kind).hasSize(1);
        return matching.get(0);
    }

    private static JsonNode single(Path file) throws IOException {
        List<JsonNode> docs = all(file);
        assertThat(docs).as(file.toString()).hasSize(1);
        return docs.get(0);
    }

    private static List<JsonNode> all(Path file) throws IOException {
        try (MappingIterator<JsonNode> it =
                YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
            return docs;
        }
    }
}
