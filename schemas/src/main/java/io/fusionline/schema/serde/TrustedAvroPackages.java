package io.fusionline.schema.serde;

/**
 * Lets Avro instantiate fusionline's generated classes when it decodes.
 *
 * <p>Avro 1.12 only builds classes from trusted packages while reading (a guard against gadget
 * classes named in a hostile schema). Our generated records live under {@code
 * io.fusionline.schema}. The trust list is read from the system property {@value #PROPERTY}; this
 * class appends our package once per JVM, before the first codec is created, so cluster JVMs need
 * no extra flag.
 */
final class TrustedAvroPackages {

    static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
    static final String PACKAGE = "io.fusionline.schema";

    private static volatile boolean installed;

    private TrustedAvroPackages() {}

    static void install() {
        if (installed) {
            return;
        }
        synchronized (TrustedAvroPackages.class) {
            String current = System.getProperty(PROPERTY, "");
            if (!(',' + current + ',').contains(',' + PACKAGE + ',')) {
                System.setProperty(PROPERTY, current.isEmpty() ? PACKAGE : current + ',' + PACKAGE);
            }
            installed = true;
        }
    }
}
