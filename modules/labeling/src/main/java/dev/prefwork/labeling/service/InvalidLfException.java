package dev.prefwork.labeling.service;

import dev.prefwork.core.InputException;
import dev.prefwork.labeling.lf.SpecError;

import java.util.List;
import java.util.stream.Collectors;

/** An LF spec or library that cannot be saved; {@link #errors()} has every problem with its field path. */
public final class InvalidLfException extends InputException {

    private final List<SpecError> errors;

    public InvalidLfException(String file, String what, List<SpecError> errors) {
        super(file, 0, null, what + ": " + errors.stream().map(SpecError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<SpecError> errors() {
        return errors;
    }
}
