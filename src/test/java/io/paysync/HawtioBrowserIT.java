package io.paysync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Hawtio checked in a real browser (issue 7): Debian's headless Chromium logs into the console of the
 * packaged jar as the ops user, opens the Camel routes view and finds the callback routes there with
 * their statistics. The screenshot is left at {@code target/hawtio-routes.png}.
 *
 * <p>Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian packages chromium and
 * chromium-driver); {@code .ci/run} installs them and fails if this test was skipped.
 */
class HawtioBrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final List<String> CALLBACK_ROUTES =
            List.of("callback-mypvit", "callback-cinetpay", "callback-ellypay", "callback-virtualpay", "callback-mvola");

    @TempDir
    static Path workingDirectory;

    static PackagedPaysync paysync;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver (Debian packages) are not installed");
        paysync = PackagedPaysync.start(workingDirectory, "--paysync.ops.username=ops", "--paysync.ops.password=ops-secret");
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                        "--window-size=1600,1000",
                        "--user-data-dir=" + Files.createDirectory(workingDirectory.resolve("chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (paysync != null) {
            paysync.close();
        }
    }

    @Test
    void opsLogInAndSeeTheCallbackRoutesWithTheirStatistics() throws Exception {
        // one callback, so that the routes view has a non-zero counter to show
        assertThat(paysync.post("/callbacks/mypvit",
                PaysyncHttpTestSupport.mypvit("PAYHAWTIO1", "HAWTIO1", "SUCCESS", "200")).statusCode()).isEqualTo(200);

        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(paysync.operationsUrl("/actuator/hawtio/"));
        // not logged in: Spring Security's login page, not the console
        wait.until(ExpectedConditions.urlContains("/login"));
        browser.findElement(By.name("username")).sendKeys("ops");
        browser.findElement(By.name("password")).sendKeys("ops-secret");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.urlContains("/actuator/hawtio/"));

        browser.get(paysync.operationsUrl("/actuator/hawtio/camel/routes"));
        try {
            for (String route : CALLBACK_ROUTES) {
                wait.until(ExpectedConditions.presenceOfElementLocated(
                        By.xpath("//table//td[.//text()[normalize-space()='" + route + "']]")));
            }
            // live statistics: the callback sent above is counted in its route's row
            List<String> columns = browser.findElements(By.cssSelector("table thead th")).stream()
                    .map(th -> th.getText().strip()).toList();
            int completed = columns.indexOf("Completed");
            assertThat(completed).as("columns %s", columns).isNotNegative();
            wait.until(driver -> "1".equals(cell(driver, "callback-mypvit", completed)));
            assertThat(cell(browser, "callback-mypvit", columns.indexOf("State"))).isEqualTo("Started");
        } finally {
            screenshot();
        }
    }

    private static String cell(WebDriver driver, String route, int column) {
        List<WebElement> cells = driver.findElements(
                By.xpath("//table//tr[td[.//text()[normalize-space()='" + route + "']]]/td"));
        return column < cells.size() ? cells.get(column).getText().strip() : null;
    }

    private static void screenshot() throws Exception {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "hawtio-routes.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}
