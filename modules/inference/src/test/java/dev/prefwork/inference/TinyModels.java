package dev.prefwork.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The fixtures written by src/test/python/make_tiny_models.py and the numpy reference outputs beside them. */
final class TinyModels {

    private TinyModels() { }

    static Path folder(String name) {
        try {
            return Path.of(TinyModels.class.getResource("/tiny-models/" + name + "/model.onnx").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode expected() {
        try {
            return new ObjectMapper().readTree(folder("embedder").getParent().resolve("expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
