package dev.prefwork.app.ui.lfstudio;

import dev.prefwork.app.AppPaths;
import dev.prefwork.app.cli.PrefworkCli;
import dev.prefwork.app.ui.Workbench;
import dev.prefwork.testkit.OpenAiTestServer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For screenshots by hand (not a test): the demo workspace in the LF studio with the judge form open, previewed
 * against a loopback judge. {@code java -cp <test classpath> dev.prefwork.app.ui.lfstudio.PairJudgeShot\$Main <w> <h> <out.png>}.
 */
public final class PairJudgeShot extends Application {

    @Override
    public void start(Stage stage) throws Exception {
        int w = Integer.parseInt(getParameters().getRaw().get(0)), h = Integer.parseInt(getParameters().getRaw().get(1));
        Path tmp = Files.createTempDirectory("shot");
        PrefworkCli.run(new String[]{"init", tmp.resolve("demo").toString(), "--demo"}, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        OpenAiTestServer server = OpenAiTestServer.start("qwen2.5-7b-instruct");
        server.latency(40).answerWith(r -> r.prompt().length() % 3 == 0 ? "No." : r.prompt().length() % 7 == 0 ? "I can't judge that." : "Yes");
        Workbench wb = new Workbench(new AppPaths(tmp.resolve("home")), Workbench.Options.open(tmp.resolve("demo")).withStartStep(Workbench.LF_STUDIO));
        stage.setWidth(w);
        stage.setHeight(h);
        wb.start(stage);
        stage.setX(0);
        stage.setY(0);
        new Thread(() -> {
            try {
                Thread.sleep(8000);
                Platform.runLater(() -> {
                    PairJudgeLfViewModel vm = wb.lfStudioViewModel().pairJudge();
                    vm.modeProperty().set(PairJudgeLfViewModel.Mode.JUDGE);
                    vm.nameProperty().set("Judge: answers correctly");
                    vm.aspectProperty().set("correctness");
                    vm.baseUrlProperty().set(server.baseUrl());
                    vm.modelProperty().set("qwen2.5-7b-instruct");
                    PairJudgeLfDialog.show(vm, stage);
                    vm.preview();
                });
                Thread.sleep(14000);
                // Xvfb without a window manager leaves a second window unpainted: composite JavaFX's own renderings
                Platform.runLater(() -> {
                    try {
                        java.awt.image.BufferedImage out = image(stage.getScene().snapshot(null));
                        java.awt.Graphics2D g = out.createGraphics();
                        g.setColor(new java.awt.Color(0, 0, 0, 70));
                        g.fillRect(0, 0, out.getWidth(), out.getHeight());
                        for (javafx.stage.Window x : javafx.stage.Window.getWindows()) {
                            if (x == stage) continue;
                            java.awt.image.BufferedImage d = image(x.getScene().snapshot(null));
                            int dx = (out.getWidth() - d.getWidth()) / 2, dy = Math.max(0, (out.getHeight() - d.getHeight()) / 2);
                            g.setColor(new java.awt.Color(120, 120, 120));
                            g.drawRect(dx - 1, dy - 1, d.getWidth() + 1, d.getHeight() + 1);
                            g.drawImage(d, dx, dy, null);
                        }
                        g.dispose();
                        javax.imageio.ImageIO.write(out, "png", new java.io.File(getParameters().getRaw().get(2)));
                        System.out.println("wrote " + getParameters().getRaw().get(2));
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                    Platform.exit();
                    System.exit(0);
                });
            } catch (InterruptedException ignored) {
            }
        }).start();
    }

    private static java.awt.image.BufferedImage image(javafx.scene.image.WritableImage img) {
        int iw = (int) img.getWidth(), ih = (int) img.getHeight();
        java.awt.image.BufferedImage b = new java.awt.image.BufferedImage(iw, ih, java.awt.image.BufferedImage.TYPE_INT_ARGB);
        javafx.scene.image.PixelReader r = img.getPixelReader();
        for (int y = 0; y < ih; y++) for (int x = 0; x < iw; x++) b.setRGB(x, y, r.getArgb(x, y));
        return b;
    }

    /** The entry point (a main outside the Application subclass, so JavaFX loads from the class path). */
    public static final class Main {
        public static void main(String[] args) {
            Application.launch(PairJudgeShot.class, args);
        }
    }
}
