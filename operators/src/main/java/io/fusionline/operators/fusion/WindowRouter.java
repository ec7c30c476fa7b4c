package io.fusionline.operators.fusion;

import io.fusionline.multimodal.fusion.BuiltInModels;
import io.fusionline.multimodal.fusion.FusionTranslator;
import io.fusionline.schema.fusion.AlignedWindow;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits aligned windows by route: a window holding only the head's modality ({@link
 * FusionTranslator#onlyModality}) goes to the main output, for a {@link
 * FusionDecisionOperator.Role#HEAD} stage; every other to {@link #BRIDGE}, for a {@link
 * FusionDecisionOperator.Role#BRIDGE} stage in its own task. So a payment's score never waits
 * behind a batch of bridge windows. Stateless; each window goes to exactly one output, in order.
 */
public final class WindowRouter extends ProcessFunction<AlignedWindow, AlignedWindow> {
    private static final long serialVersionUID = 1L;

    /** Windows for early exit or the bridge. */
    public static final OutputTag<AlignedWindow> BRIDGE =
            new OutputTag<>("bridge", new AvroTypeInfo<>(AlignedWindow.class));

    private final FusionOptions options;

    private transient FusionTranslator translator;
    private transient String modality;

    /**
     * @param options fusion settings with a head
     */
    public WindowRouter(FusionOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        if (options.head() == null) {
            throw new IllegalArgumentException("routing needs a head");
        }
    }

    @Override
    public void open(OpenContext context) {
        translator =
                new FusionTranslator(
                        BuiltInModels.resolveFusion(options.model()), options.policy());
        modality = options.headModality();
    }

    @Override
    public void processElement(AlignedWindow window, Context ctx, Collector<AlignedWindow> out) {
        if (translator.onlyModality(window, modality)) {
            out.collect(window);
        } else {
            ctx.output(BRIDGE, window);
        }
    }
}
