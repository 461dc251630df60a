package dev.prefwork.app.ui.common;

/** How view models tell the user something: a transient note, or an error they must see. No JavaFX nodes here. */
public interface Notifier {

    /** Something finished well (an import); shown as a toast that fades. */
    void success(String title, String message);

    /** A short neutral note (a job was cancelled); shown as a toast that fades. */
    void info(String title, String message);

    /** A failure; the message is {@code ErrorMessages.userMessage(error)}, shown in a dialog. */
    void error(String title, Throwable error);
}
