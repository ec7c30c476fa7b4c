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
        FusionlineJobOptions.validate(conf);
        assertThat(conf.get(FusionlineJobOptions.BOOTSTRAP_SERVERS)).isEqualTo(strimziBootstrap());
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

    /** The job's options as {@link FusionlineJobMain} reads the manifest's arguments, checked. */
    private static Configuration jobConfiguration(JsonNode args) {
        List<String> list = texts(args);
        int main = list.indexOf("--job-classname"); // Flink's standalone-job: program args follow
        List<String> program = main < 0 ? list : list.subList(main + 2, list.size());
        return FusionlineJobMain.configuration(program.toArray(String[]::new));
    }

    /**
     * Strimzi's bootstrap service of the plain internal listener: {@code <name>-kafka-bootstrap}.
     */
    private static String strimziBootstrap() throws IOException {
        JsonNode kafka = ofKind(all(KUBERNETES.resolve("kafka.yaml")), "Kafka");
        JsonNode plain = null;
        for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
            if (!listener.path("tls").asBoolean()
                    && "internal".equals(listener.path("type").asText())) {
                plain = listener;
            }
        }
        assertThat(plain).as("a plain internal listener").isNotNull();
        return kafka.path("metadata").path("name").asText()
                + "-kafka-bootstrap:"
                + plain.path("port").asInt();
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
