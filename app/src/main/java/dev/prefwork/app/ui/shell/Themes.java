package dev.prefwork.app.ui.shell;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.prefwork.app.ui.workspace.SettingsStore;
import javafx.application.Application;

/** The two themes: AtlantaFX Primer light and dark, applied application-wide (dialogs included). */
final class Themes {

    private Themes() {
    }

    static void apply(String theme) {
        Application.setUserAgentStylesheet(SettingsStore.THEME_DARK.equals(theme)
                ? new PrimerDark().getUserAgentStylesheet()
                : new PrimerLight().getUserAgentStylesheet());
    }
}
