package io.fusionline.multimodal.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a single-graph ONNX model (default operator domain) and encodes it as ONNX protobuf bytes
 * that ONNX Runtime loads.
 *
 * <p>Covers what small encoders need: float and int64 initializers, nodes with int, ints, float and
 * string attributes, float inputs and outputs whose dimensions are fixed or named (dynamic). Field
 * numbers follow {@code onnx.proto} (IR version 8).
 */
public final class OnnxGraphBuilder {

    private static final int IR_VERSION = 8;
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private final String name;
    private final int opset;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int nodeCount;

    /**
     * @param name graph name
     * @param opset operator set version of the default domain (ONNX Runtime 1.29 supports up to 23)
     */
    public OnnxGraphBuilder(String name, int opset) {
        this.name = name;
        this.opset = opset;
    }

    /**
     * A float graph input; each dimension is a {@link Long} (fixed) or a {@link String} (named,
     * dynamic).
     */
    public OnnxGraphBuilder input(String name, Object... dims) {
        inputs.add(valueInfo(name, dims));
        return this;
    }

    /** A float graph output; dimensions as for {@link #input}. */
    public OnnxGraphBuilder output(String name, Object... dims) {
        outputs.add(valueInfo(name, dims));
        return this;
    }

    /** A float constant, row-major. */
    public OnnxGraphBuilder floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializers.add(tensor(name, FLOAT, raw.array(), dims));
        return this;
    }

    /** An int64 constant, row-major. */
    public OnnxGraphBuilder longs(String name, long[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensor(name, INT64, raw.array(), dims));
        return this;
    }

    /** Starts a node of {@code opType}; finish it with {@link Node#add()}. */
    public Node node(String opType, List<String> nodeInputs, List<String> nodeOutputs) {
        return new Node(opType, nodeInputs, nodeOutputs);
    }

    /** The encoded model. */
    public byte[] toByteArray(String producer, String docString) {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, name);
        initializers.forEach(t -> graph.message(5, t));
        graph.string(10, docString);
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));
        return new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, producer)
                .string(6, docString)
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, opset))
                .toByteArray();
    }

    private static ProtoWriter tensor(String name, int type, byte[] raw, long[] dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name).bytes(9, raw);
    }

    private static ProtoWriter valueInfo(String name, Object[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof String param) {
                dim.string(2, param);
            } else {
                dim.varint(1, ((Number) d).longValue());
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
        return new ProtoWriter()
                .string(1, name)
                .message(2, new ProtoWriter().message(1, tensorType));
    }

    /** A node being built. */
    public final class Node {
        private final ProtoWriter proto = new ProtoWriter();
        private final List<ProtoWriter> attributeList = new ArrayList<>();

        private Node(String opType, List<String> nodeInputs, List<String> nodeOutputs) {
            nodeInputs.forEach(i -> proto.string(1, i));
            nodeOutputs.forEach(o -> proto.string(2, o));
            proto.string(3, opType.toLowerCase() + "_" + nodeCount++);
            proto.string(4, opType);
        }

        /** An INT attribute. */
        public Node attr(String key, long value) {
            attributeList.add(new ProtoWriter().string(1, key).varint(3, value).varint(20, 2));
            return this;
        }

        /** A FLOAT attribute. */
        public Node attr(String key, float value) {
            attributeList.add(new ProtoWriter().string(1, key).float32(2, value).varint(20, 1));
            return this;
        }

        /** An INTS attribute. */
        public Node attr(String key, long[] values) {
            ProtoWriter a = new ProtoWriter().string(1, key);
            for (long v : values) {
                a.varint(8, v);
            }
            attributeList.add(a.varint(20, 7));
            return this;
        }

        /** Adds the node to the graph. */
        public OnnxGraphBuilder add() {
            attributeList.forEach(a -> proto.message(5, a));
            nodes.add(proto);
            return OnnxGraphBuilder.this;
        }
    }
}
