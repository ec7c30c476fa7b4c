package io.fusionline.schema.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Older writer schemas of a record type that decoders must still read.
 *
 * <p>When a schema changes, its previous version is copied, unchanged, to the classpath resource
 * {@code fusionline/schema-history/<full name>.v<N>.avsc} (N = 1, 2, ... without gaps), and the new
 * version must be able to read it (add fields with defaults, give enums a default). Decoders
 * register every version found, so records written by older producers resolve into the current
 * generated class with defaults filled in.
 */
public final class SchemaHistory {

    /** Classpath folder of historical writer schemas. */
    public static final String RESOURCE_FOLDER = "fusionline/schema-history/";

    private SchemaHistory() {}

    /** Every historical writer schema of {@code current}'s full name, oldest first. */
    public static List<Schema> olderVersionsOf(Schema current) {
        List<Schema> versions = new ArrayList<>();
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        for (int version = 1; ; version++) {
            String resource = RESOURCE_FOLDER + current.getFullName() + ".v" + version + ".avsc";
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history " + resource, e);
            }
        }
    }
}
