package dev.prefwork.app.ui;

import javafx.css.CssParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A stylesheet with one syntax error silently drops every rule after it; catch that at build time. */
class StylesheetTest {

    @Test
    void appStylesheetParsesWithoutErrors() throws Exception {
        CssParser.errorsProperty().clear();
        var url = StylesheetTest.class.getResource("/dev/prefwork/app/app.css");
        assertThat(url).isNotNull();
        var sheet = new CssParser().parse(url);
        assertThat(CssParser.errorsProperty()).as("CSS errors").isEmpty();
        assertThat(sheet.getRules()).hasSizeGreaterThan(100);
    }
}
