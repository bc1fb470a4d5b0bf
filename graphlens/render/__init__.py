"""Printers and pictures of graphs: pp, debugprint, DOT, SVG, HTML, terminal."""
