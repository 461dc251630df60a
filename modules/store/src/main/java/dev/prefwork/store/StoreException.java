package dev.prefwork.store;

/** A database failure that is not the user's input: disk full, corrupted file, a bug. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
