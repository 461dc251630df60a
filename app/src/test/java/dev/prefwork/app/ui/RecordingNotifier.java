package dev.prefwork.app.ui;

import dev.prefwork.app.ui.common.Notifier;
import dev.prefwork.app.ui.task.ErrorMessages;

import java.util.ArrayList;
import java.util.List;

/** Keeps what the view models told the user. */
public final class RecordingNotifier implements Notifier {

    public final List<String> infos = new ArrayList<>();
    public final List<String> errors = new ArrayList<>();

    @Override
    public synchronized void success(String title, String message) {
        infos.add(title + ": " + message);
    }

    @Override
    public synchronized void info(String title, String message) {
        infos.add(title + ": " + message);
    }

    @Override
    public synchronized void error(String title, Throwable error) {
        errors.add(title + ": " + ErrorMessages.userMessage(error));
    }
}
