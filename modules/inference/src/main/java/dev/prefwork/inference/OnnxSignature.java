package dev.prefwork.inference;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The names, element types and shapes of an ONNX file's graph inputs and outputs, read from its protobuf
 * without loading the weights. Why: DJL's ONNX Runtime block reports input names but no shapes, and a causal
 * LM's KV-cache inputs must be created with the model's head count and head size, which only the graph says.
 *
 * <p>Reads the protobuf wire format for the few fields it needs (ModelProto.graph → GraphProto.input/output →
 * ValueInfoProto → TypeProto.tensor_type → TensorShapeProto) and skips everything else by its length, so the
 * weights (GraphProto.initializer) are never read: the file is memory-mapped and only the pages it touches load.
 */
record OnnxSignature(List<Tensor> inputs, List<Tensor> outputs) {

    /** ONNX TensorProto.DataType values. */
    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;

    /** One graph input or output; a symbolic or unknown dimension is -1. */
    record Tensor(String name, int elemType, long[] dims) {
        long dim(int i) {
            return i < dims.length ? dims[i] : -1;
        }
    }

    Optional<Tensor> input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    Optional<Tensor> output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    static OnnxSignature read(Path onnxFile) throws IOException {
        try (FileChannel ch = FileChannel.open(onnxFile, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) throw new IOException(onnxFile + " is larger than 2 GB, the limit of one ONNX protobuf");
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            List<Tensor> inputs = new ArrayList<>();
            List<Tensor> outputs = new ArrayList<>();
            Reader model = new Reader(map, 0, map.limit());
            while (model.more()) {
                int tag = model.tag();
                if (field(tag) == 7 && wire(tag) == 2) { // ModelProto.graph
                    Reader graph = model.message();
                    while (graph.more()) {
                        int gt = graph.tag();
                        if (field(gt) == 11 && wire(gt) == 2) inputs.add(valueInfo(graph.message()));
                        else if (field(gt) == 12 && wire(gt) == 2) outputs.add(valueInfo(graph.message()));
                        else graph.skip(gt);
                    }
                } else {
                    model.skip(tag);
                }
            }
            if (inputs.isEmpty()) throw new IOException(onnxFile + " has no graph inputs (is it an ONNX model?)");
            return new OnnxSignature(List.copyOf(inputs), List.copyOf(outputs));
        } catch (RuntimeException e) {
            throw new IOException(onnxFile + " is not a readable ONNX file: " + e.getMessage(), e);
        }
    }

    private static Tensor valueInfo(Reader r) {
        String name = "";
        int elemType = 0;
        List<Long> dims = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            if (field(tag) == 1 && wire(tag) == 2) {
                name = r.string();
            } else if (field(tag) == 2 && wire(tag) == 2) { // TypeProto
                Reader type = r.message();
                while (type.more()) {
                    int tt = type.tag();
                    if (field(tt) == 1 && wire(tt) == 2) { // TypeProto.tensor_type
                        Reader tensor = type.message();
                        while (tensor.more()) {
                            int t = tensor.tag();
                            if (field(t) == 1 && wire(t) == 0) {
                                elemType = (int) tensor.varint();
                            } else if (field(t) == 2 && wire(t) == 2) { // TensorShapeProto
                                Reader shape = tensor.message();
                                while (shape.more()) {
                                    int st = shape.tag();
                                    if (field(st) == 1 && wire(st) == 2) dims.add(dimension(shape.message()));
                                    else shape.skip(st);
                                }
                            } else {
                                tensor.skip(t);
                            }
                        }
                    } else {
                        type.skip(tt);
                    }
                }
            } else {
                r.skip(tag);
            }
        }
        return new Tensor(name, elemType, dims.stream().mapToLong(Long::longValue).toArray());
    }

    private static long dimension(Reader r) {
        long value = -1;
        while (r.more()) {
            int tag = r.tag();
            if (field(tag) == 1 && wire(tag) == 0) value = r.varint();
            else r.skip(tag);
        }
        return value;
    }

    private static int field(int tag) {
        return tag >>> 3;
    }

    private static int wire(int tag) {
        return tag & 7;
    }

    /** A window [pos, end) of the buffer holding one message. */
    private static final class Reader {
        private final ByteBuffer buf;
        private int pos;
        private final int end;

        Reader(ByteBuffer buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        int tag() {
            return (int) varint();
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) throw new IllegalStateException("truncated varint");
                byte b = buf.get(pos++);
                v |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) return v;
            }
            throw new IllegalStateException("malformed varint");
        }

        int length() {
            long n = varint();
            if (n < 0 || pos + n > end) throw new IllegalStateException("field length " + n + " runs past its message");
            return (int) n;
        }

        Reader message() {
            int n = length();
            Reader r = new Reader(buf, pos, pos + n);
            pos += n;
            return r;
        }

        String string() {
            int n = length();
            byte[] bytes = new byte[n];
            buf.get(pos, bytes);
            pos += n;
            return new String(bytes, StandardCharsets.UTF_8);
        }

        void skip(int tag) {
            switch (wire(tag)) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int n = length(); // not "pos += length()": that adds to pos as it was before the length was read
                    pos += n;
                }
                case 5 -> pos += 4;
                default -> throw new IllegalStateException("unsupported wire type " + wire(tag));
            }
            if (pos > end) throw new IllegalStateException("field runs past its message");
        }
    }
}
