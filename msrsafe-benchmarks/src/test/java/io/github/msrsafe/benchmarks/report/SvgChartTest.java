package io.github.msrsafe.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.msrsafe.benchmarks.report.SvgChart.Point;
import io.github.msrsafe.benchmarks.report.SvgChart.Series;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    private static final List<Series> SERIES = List.of(
            new Series("sim serial", "#1f77b4", true, List.of(new Point(1, 0.2, 0.01), new Point(30_000, 7_000, 500))),
            new Series("sim batch", "#1f77b4", false, List.of(new Point(30_000, 900, Double.NaN), new Point(1, 0.5, 0.1))));

    @Test
    void writesWellFormedSvgWithOneLinePerSeriesAndALegendEntryEach() throws Exception {
        Document svg = parse(SvgChart.render("Title <&>", "x", "y", SERIES));
        assertEquals("svg", svg.getDocumentElement().getTagName());
        NodeList lines = svg.getElementsByTagName("polyline");
        assertEquals(2, lines.getLength());
        // The dashed series is the serial one, and its points are in x order whatever the input order.
        Element batch = (Element) lines.item(1);
        assertTrue(((Element) lines.item(0)).hasAttribute("stroke-dasharray"));
        String[] points = batch.getAttribute("points").split(" ");
        assertEquals(2, points.length);
        assertTrue(Double.parseDouble(points[0].split(",")[0]) < Double.parseDouble(points[1].split(",")[0]));
        assertEquals(4, svg.getElementsByTagName("circle").getLength());
        List<String> texts = new ArrayList<>();
        NodeList textNodes = svg.getElementsByTagName("text");
        for (int i = 0; i < textNodes.getLength(); i++) {
            texts.add(textNodes.item(i).getTextContent());
        }
        assertTrue(texts.contains("Title <&>"), texts.toString());
        assertTrue(texts.contains("sim serial") && texts.contains("sim batch"), texts.toString());
        // Decades from 1 to 100,000 on x cover the points 1 and 30,000.
        assertTrue(texts.contains("1") && texts.contains("100,000"), texts.toString());
    }

    @Test
    void higherValuesArePlottedHigher() throws Exception {
        Document svg = parse(SvgChart.render("t", "x", "y", SERIES.subList(0, 1)));
        String[] points = ((Element) svg.getElementsByTagName("polyline").item(0)).getAttribute("points").split(" ");
        double lowY = Double.parseDouble(points[0].split(",")[1]);
        double highY = Double.parseDouble(points[1].split(",")[1]);
        assertTrue(highY < lowY, "SVG y grows downwards: the larger value must have the smaller y");
    }

    @Test
    void refusesWhatALogScaleCannotShow() {
        assertThrows(IllegalArgumentException.class, () -> SvgChart.render("t", "x", "y",
                List.of(new Series("s", "#000", false, List.of(new Point(0, 1, 0))))));
        assertThrows(IllegalArgumentException.class, () -> SvgChart.render("t", "x", "y",
                List.of(new Series("s", "#000", false, List.of(new Point(1, -1, 0))))));
        assertThrows(IllegalArgumentException.class, () -> SvgChart.render("t", "x", "y", List.of()));
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
