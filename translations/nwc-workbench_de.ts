<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>JobErrorDialog</name>
    <message>
        <source>Tokenizers Do Not Match</source>
        <translation>Tokenizer passen nicht zusammen</translation>
    </message>
    <message>
        <source>File From a Newer Version</source>
        <translation>Datei aus einer neueren Version</translation>
    </message>
    <message>
        <source>Codec Missing</source>
        <translation>Codec fehlt</translation>
    </message>
    <message>
        <source>Unsupported Architecture</source>
        <translation>Nicht unterstützte Architektur</translation>
    </message>
    <message>
        <source>Not Enough Memory</source>
        <translation>Nicht genug Arbeitsspeicher</translation>
    </message>
    <message>
        <source>Collaborative decoding mixes the two models&apos; next-token distributions token by token, so both must use the same tokenizer. Choose a teacher from the same model family as the open model.</source>
        <translation>Gemeinsames Dekodieren mischt die Verteilungen des nächsten Tokens beider Modelle Token für Token, daher müssen beide denselben Tokenizer verwenden. Wählen Sie einen Lehrer aus derselben Modellfamilie wie das geöffnete Modell.</translation>
    </message>
    <message>
        <source>The file was written by a newer version of NWC Workbench. Install that version to open it, or export the file again with this version.</source>
        <translation>Die Datei wurde von einer neueren Version der NWC Workbench geschrieben. Installieren Sie diese Version, um sie zu öffnen, oder exportieren Sie die Datei erneut mit dieser Version.</translation>
    </message>
    <message>
        <source>The compressed checkpoint refers to a codec it does not contain, so its tensors cannot be decoded. Export the compressed checkpoint again.</source>
        <translation>Der komprimierte Checkpoint verweist auf einen Codec, den er nicht enthält, daher können seine Tensoren nicht dekodiert werden. Exportieren Sie den komprimierten Checkpoint erneut.</translation>
    </message>
    <message>
        <source>This version runs the architectures listed in the details. Open a model of one of them.</source>
        <translation>Diese Version unterstützt die in den Details aufgeführten Architekturen. Öffnen Sie ein Modell einer dieser Architekturen.</translation>
    </message>
    <message>
        <source>Close other programs or use a machine with more memory. Compressing the model still works: compression reads one tensor at a time.</source>
        <translation>Schließen Sie andere Programme oder verwenden Sie einen Rechner mit mehr Arbeitsspeicher. Das Komprimieren des Modells funktioniert trotzdem: Die Kompression liest jeweils nur einen Tensor.</translation>
    </message>
</context>
<context>
    <name>PlotExport</name>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>the plot could not be drawn</source>
        <translation>das Diagramm konnte nicht gezeichnet werden</translation>
    </message>
    <message>
        <source>Could not write %1: the plot has no size</source>
        <translation>%1 konnte nicht geschrieben werden: Das Diagramm hat keine Größe</translation>
    </message>
    <message>
        <source>Could not write %1: the file name must end in .png, .pdf or .csv</source>
        <translation>%1 konnte nicht geschrieben werden: Der Dateiname muss auf .png, .pdf oder .csv enden</translation>
    </message>
    <message>
        <source>Export Plot</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf);;CSV table (*.csv)</source>
        <translation>PNG-Bild (*.png);;PDF-Dokument (*.pdf);;CSV-Tabelle (*.csv)</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Workbench for neural weight compression of language models.</source>
        <translation>Werkbank für die neuronale Gewichtskompression von Sprachmodellen.</translation>
    </message>
    <message>
        <source>Run the demo job without a window and print its results (also the default when there is no display).</source>
        <translation>Die Demo-Aufgabe ohne Fenster ausführen und ihre Ergebnisse ausgeben (auch die Voreinstellung, wenn kein Bildschirm vorhanden ist).</translation>
    </message>
    <message>
        <source>Select tensor &lt;name&gt; in the model browser once the model is open.</source>
        <translation>Den Tensor &lt;name&gt; im Modell-Browser auswählen, sobald das Modell geöffnet ist.</translation>
    </message>
    <message>
        <source>Open &lt;file&gt; in the analysis docks: a sweep session, a calibration file or a compressed .nwc model.</source>
        <translation>&lt;file&gt; in den Analysebereichen öffnen: eine Messreihe, eine Kalibrierungsdatei oder ein komprimiertes .nwc-Modell.</translation>
    </message>
    <message>
        <source>Model to open: a Hugging Face folder, a .safetensors file, a llama2.c .bin or demo:teacher / demo:student. Default: the last model opened, else demo:student.</source>
        <translation>Zu öffnendes Modell: ein Hugging-Face-Ordner, eine .safetensors-Datei, eine llama2.c-.bin-Datei oder demo:teacher / demo:student. Voreinstellung: das zuletzt geöffnete Modell, sonst demo:student.</translation>
    </message>
    <message>
        <source>Press Generate in the generation pane once the model and its teacher are loaded (for demos).</source>
        <translation>Im Generierungsbereich „Generieren“ drücken, sobald das Modell und sein Lehrer geladen sind (für Vorführungen).</translation>
    </message>
</context>
<context>
    <name>nwc::AboutBox</name>
    <message>
        <source>About NWC Workbench</source>
        <translation>Über NWC Workbench</translation>
    </message>
    <message>
        <source>&lt;h3&gt;NWC Workbench %1&lt;/h3&gt;&lt;p&gt;A workbench for studying what happens to language models when their weights are compressed with a learned neural codec, and what a small model gains when a large one steers its first tokens.&lt;/p&gt;&lt;p&gt;Methods: &lt;i&gt;Neural Weight Compression&lt;/i&gt; (arXiv 2510.11234) and &lt;i&gt;limited teacher supervision&lt;/i&gt; (arXiv 2406.18002).&lt;/p&gt;&lt;p&gt;Opens Hugging Face model folders, .safetensors files, llama2.c checkpoints and compressed .nwc models. Every long operation runs as a cancellable job; the command-line tool &lt;tt&gt;nwc&lt;/tt&gt; runs the same jobs headless.&lt;/p&gt;%2</source>
        <translation>&lt;h3&gt;NWC Workbench %1&lt;/h3&gt;&lt;p&gt;Eine Werkbank, um zu untersuchen, was mit Sprachmodellen geschieht, wenn ihre Gewichte mit einem gelernten neuronalen Codec komprimiert werden, und was ein kleines Modell gewinnt, wenn ein großes seine ersten Tokens steuert.&lt;/p&gt;&lt;p&gt;Methoden: &lt;i&gt;Neural Weight Compression&lt;/i&gt; (arXiv 2510.11234) und &lt;i&gt;begrenzte Lehreraufsicht&lt;/i&gt; (arXiv 2406.18002).&lt;/p&gt;&lt;p&gt;Öffnet Hugging-Face-Modellordner, .safetensors-Dateien, llama2.c-Checkpoints und komprimierte .nwc-Modelle. Jeder längere Vorgang läuft als abbrechbare Aufgabe; das Kommandozeilenwerkzeug &lt;tt&gt;nwc&lt;/tt&gt; führt dieselben Aufgaben ohne Fenster aus.&lt;/p&gt;%2</translation>
    </message>
</context>
<context>
    <name>nwc::AnalysisFilesController</name>
    <message>
        <source>Open &amp;Analysis…</source>
        <translation>&amp;Analyse öffnen…</translation>
    </message>
    <message>
        <source>Export &amp;Plot…</source>
        <translation>Dia&amp;gramm exportieren…</translation>
    </message>
    <message>
        <source>Importance</source>
        <translation>Wichtigkeit</translation>
    </message>
    <message>
        <source>Rate–Distortion</source>
        <translation>Rate–Distortion-Kurve</translation>
    </message>
    <message>
        <source>Compensation</source>
        <translation>Kompensation</translation>
    </message>
    <message>
        <source>Open a sweep session (nwc sweep), a calibration file (nwc calibrate) or the importance and compensation report of a compressed .nwc model</source>
        <translation>Eine Messreihe (nwc sweep), eine Kalibrierungsdatei (nwc calibrate) oder den Wichtigkeits- und Kompensationsbericht eines komprimierten .nwc-Modells öffnen</translation>
    </message>
    <message>
        <source>Read analysis of %1</source>
        <translation>Analyse von %1 lesen</translation>
    </message>
    <message>
        <source>Could not read the analysis of %1: %2</source>
        <translation>Die Analyse von %1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Opening the analysis in %1…</source>
        <translation>Die Analyse in %1 wird geöffnet…</translation>
    </message>
    <message>
        <source>Open analysis %1</source>
        <translation>Analyse %1 öffnen</translation>
    </message>
    <message>
        <source>Could not open %1 as an analysis: %2</source>
        <translation>%1 konnte nicht als Analyse geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Open Analysis</source>
        <translation>Analyse öffnen</translation>
    </message>
    <message>
        <source>Opening %1 was cancelled.</source>
        <translation>Das Öffnen von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Analysis files (*.h5 *.nwc);;Sweep sessions and calibration files (*.h5);;Compressed models (*.nwc);;All files (*)</source>
        <translation>Analysedateien (*.h5 *.nwc);;Messreihen und Kalibrierungsdateien (*.h5);;Komprimierte Modelle (*.nwc);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Opened the sweep session %1: %2.</source>
        <translation>Messreihe %1 geöffnet: %2.</translation>
    </message>
    <message>
        <source>Opened the calibration file %1.</source>
        <translation>Kalibrierungsdatei %1 geöffnet.</translation>
    </message>
    <message>
        <source>Opened the analysis of %1.</source>
        <translation>Analyse von %1 geöffnet.</translation>
    </message>
    <message>
        <source>%1 holds neither importance nor a compensation report (it was compressed without calibration).</source>
        <translation>%1 enthält weder Wichtigkeiten noch einen Kompensationsbericht (es wurde ohne Kalibrierung komprimiert).</translation>
    </message>
    <message>
        <source>No analysis view with data is in front, so %1 was not written.</source>
        <translation>Keine Analyseansicht mit Daten ist im Vordergrund, daher wurde %1 nicht geschrieben.</translation>
    </message>
    <message>
        <source>Save the plot of the %1 view as PNG or PDF, or its data as CSV</source>
        <translation>Das Diagramm der Ansicht „%1“ als PNG oder PDF oder seine Daten als CSV speichern</translation>
    </message>
    <message>
        <source>No analysis view with data is in front: bring the Importance, Rate–Distortion or Compensation view to the front (View menu), or open an analysis (File › Open Analysis…), compute the importance or run a sweep first.</source>
        <translation>Keine Analyseansicht mit Daten ist im Vordergrund: Holen Sie die Ansicht Wichtigkeit, Rate–Distortion-Kurve oder Kompensation nach vorn (Menü Ansicht), oder öffnen Sie zuerst eine Analyse (Datei › Analyse öffnen…), berechnen Sie die Wichtigkeit oder führen Sie eine Messreihe aus.</translation>
    </message>
</context>
<context>
    <name>nwc::AnalysisJob</name>
    <message>
        <source>reading the analysis of %1</source>
        <translation>lese die Analyse von %1</translation>
    </message>
    <message>
        <source>%1 holds no importance: only containers compressed with calibration (NWC or GPTQ) have it.</source>
        <translation>%1 enthält keine Wichtigkeit: Nur mit Kalibrierung komprimierte Container (NWC oder GPTQ) haben sie.</translation>
    </message>
    <message>
        <source>reading the compensation report</source>
        <translation>lese den Kompensationsbericht</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>%1 does not exist or is not a file.</source>
        <translation>%1 existiert nicht oder ist keine Datei.</translation>
    </message>
    <message>
        <source>reading %1</source>
        <translation>lese %1</translation>
    </message>
    <message>
        <source>as a sweep session: %1</source>
        <translation>als Messreihe: %1</translation>
    </message>
    <message>
        <source>reading the importance</source>
        <translation>lese die Wichtigkeit</translation>
    </message>
    <message>
        <source>as a calibration file: %1</source>
        <translation>als Kalibrierungsdatei: %1</translation>
    </message>
    <message>
        <source>as a .nwc container: %1</source>
        <translation>als .nwc-Container: %1</translation>
    </message>
    <message>
        <source>%1 is not a sweep session (nwc sweep), a calibration file (nwc calibrate) or a compressed .nwc model.

%2</source>
        <translation>%1 ist weder eine Messreihe (nwc sweep) noch eine Kalibrierungsdatei (nwc calibrate) noch ein komprimiertes .nwc-Modell.

%2</translation>
    </message>
    <message>
        <source>loading the model</source>
        <translation>lade das Modell</translation>
    </message>
    <message>
        <source>calibration</source>
        <translation>Kalibrierung</translation>
    </message>
</context>
<context>
    <name>nwc::AnalysisView</name>
    <message>
        <source>&amp;Reset View</source>
        <translation>Ansicht zu&amp;rücksetzen</translation>
    </message>
    <message>
        <source>Fit the plot to its data (or double-click the plot)</source>
        <translation>Das Diagramm an seine Daten anpassen (oder auf das Diagramm doppelklicken)</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Exportieren…</translation>
    </message>
</context>
<context>
    <name>nwc::CollabBenchDialog</name>
    <message>
        <source>Collaborative Decoding Benchmark</source>
        <translation>Benchmark für gemeinsames Dekodieren</translation>
    </message>
    <message>
        <source>Cancel Run</source>
        <translation>Lauf abbrechen</translation>
    </message>
    <message>
        <source>Running: %1 % · %2</source>
        <translation>Läuft: %1 % · %2</translation>
    </message>
    <message>
        <source> · about %1 left</source>
        <translation> · noch etwa %1</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>Collaborative benchmark: %1 steered by %2</source>
        <translation>Gemeinsamer Benchmark: %1 gesteuert von %2</translation>
    </message>
    <message>
        <source>Done: %1 questions in %2.</source>
        <translation>Fertig: %1 Fragen in %2.</translation>
    </message>
    <message>
        <source>The benchmark failed: %1</source>
        <translation>Der Benchmark ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The benchmark was cancelled.</source>
        <translation>Der Benchmark wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>JSONL file (GSM8K-style or other fields)</source>
        <translation>JSONL-Datei (GSM8K-Stil oder andere Felder)</translation>
    </message>
    <message>
        <source>questions.jsonl</source>
        <translation>fragen.jsonl</translation>
    </message>
    <message>
        <source>built-in: after &quot;The answer is&quot; or &quot;####&quot;, else the last number</source>
        <translation>eingebaut: nach &quot;The answer is&quot; oder &quot;####&quot;, sonst die letzte Zahl</translation>
    </message>
    <message>
        <source>{question} is replaced by each question; \n is a line break.</source>
        <translation>{question} wird durch jede Frage ersetzt; \n ist ein Zeilenumbruch.</translation>
    </message>
    <message>
        <source>from:to:step or a comma-separated list</source>
        <translation>von:bis:Schritt oder eine kommagetrennte Liste</translation>
    </message>
    <message>
        <source>Gate thresholds on the student&apos;s entropy, nats: from:to:step or a list</source>
        <translation>Schwellen auf der Entropie des Schülers, nats: von:bis:Schritt oder eine Liste</translation>
    </message>
    <message>
        <source>Share of the questions on which α and τ are chosen; the plots show the others. 0 chooses on the plotted questions (optimistic).</source>
        <translation>Anteil der Fragen, auf denen α und τ gewählt werden; die Diagramme zeigen die übrigen. 0 wählt auf den gezeigten Fragen (optimistisch).</translation>
    </message>
    <message>
        <source>optional: results are saved per question and resumed</source>
        <translation>optional: Ergebnisse werden je Frage gespeichert und fortgesetzt</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>Einrichtung</translation>
    </message>
    <message>
        <source>&amp;Data:</source>
        <translation>&amp;Daten:</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>Da&amp;tei:</translation>
    </message>
    <message>
        <source>question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <source>answer</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>JSON fields:</source>
        <translation>JSON-Felder:</translation>
    </message>
    <message>
        <source>Answer &amp;pattern:</source>
        <translation>Antwort&amp;muster:</translation>
    </message>
    <message>
        <source>Prompt &amp;template:</source>
        <translation>Prompt-&amp;Vorlage:</translation>
    </message>
    <message>
        <source>&amp;α grid:</source>
        <translation>&amp;α-Raster:</translation>
    </message>
    <message>
        <source>&amp;N (steered tokens):</source>
        <translation>&amp;N (gesteuerte Tokens):</translation>
    </message>
    <message>
        <source>&amp;τ grid (gated rule):</source>
        <translation>&amp;τ-Raster (Regel mit Schwelle):</translation>
    </message>
    <message>
        <source>&amp;Max tokens per answer:</source>
        <translation>&amp;Höchstens Tokens je Antwort:</translation>
    </message>
    <message>
        <source>&amp;Calibration share:</source>
        <translation>&amp;Kalibrierungsanteil:</translation>
    </message>
    <message>
        <source>&amp;Session file:</source>
        <translation>&amp;Sitzungsdatei:</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>QA Data</source>
        <translation>QA-Daten</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl *.json);;All files (*)</source>
        <translation>JSON Lines (*.jsonl *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Benchmark Session</source>
        <translation>Benchmark-Sitzung</translation>
    </message>
    <message>
        <source>HDF5 session (*.h5)</source>
        <translation>HDF5-Sitzung (*.h5)</translation>
    </message>
    <message>
        <source>choose a JSONL file with the questions</source>
        <translation>wählen Sie eine JSONL-Datei mit den Fragen</translation>
    </message>
    <message>
        <source>the prompt template has no {question} placeholder</source>
        <translation>die Prompt-Vorlage hat keinen Platzhalter {question}</translation>
    </message>
    <message>
        <source>the answer pattern</source>
        <translation>das Antwortmuster</translation>
    </message>
    <message>
        <source>the α grid</source>
        <translation>das α-Raster</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>N expects non-negative whole numbers</source>
        <translation>N erwartet nicht-negative ganze Zahlen</translation>
    </message>
    <message>
        <source>the τ grid</source>
        <translation>das τ-Raster</translation>
    </message>
    <message>
        <source>name the JSON fields of the question and the answer</source>
        <translation>nennen Sie die JSON-Felder der Frage und der Antwort</translation>
    </message>
    <message>
        <source>%1 steered by %2: choose the data and grids, then Start.</source>
        <translation>%1 gesteuert von %2: Daten und Raster wählen, dann Starten.</translation>
    </message>
    <message>
        <source>Cannot start: %1.</source>
        <translation>Start nicht möglich: %1.</translation>
    </message>
    <message>
        <source>Resuming %1…</source>
        <translation>%1 wird fortgesetzt…</translation>
    </message>
    <message>
        <source>Built-in: short answer first (the first tokens decide)</source>
        <translation>Eingebaut: Kurzantwort zuerst (die ersten Tokens entscheiden)</translation>
    </message>
    <message>
        <source>Built-in: worked answer (the result comes 10–16 tokens in)</source>
        <translation>Eingebaut: Rechenweg zuerst (das Ergebnis folgt nach 10–16 Tokens)</translation>
    </message>
    <message>
        <source>The built-in sets are held-out demo arithmetic problems; each brings its prompt template and answer pattern</source>
        <translation>Die eingebauten Sätze sind zurückgehaltene Rechenaufgaben der Demo; jeder bringt seine Prompt-Vorlage und sein Antwortmuster mit</translation>
    </message>
</context>
<context>
    <name>nwc::CollabBenchView</name>
    <message>
        <source>Save the shown plot as PNG or PDF, or its data as CSV</source>
        <translation>Das gezeigte Diagramm als PNG oder PDF oder seine Daten als CSV speichern</translation>
    </message>
    <message>
        <source>α (0 = student, 1 = teacher&apos;s token)</source>
        <translation>α (0 = Schüler, 1 = Token des Lehrers)</translation>
    </message>
    <message>
        <source>accuracy (%)</source>
        <translation>Genauigkeit (%)</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>per-example best α (smallest |α| that answers it)</source>
        <translation>bestes α je Beispiel (kleinstes |α|, das es beantwortet)</translation>
    </message>
    <message>
        <source>questions</source>
        <translation>Fragen</translation>
    </message>
    <message>
        <source>Best α</source>
        <translation>Bestes α</translation>
    </message>
    <message>
        <source>student&apos;s first-token entropy H(p_s), nats</source>
        <translation>Entropie H(p_s) des Schülers beim ersten Token, nats</translation>
    </message>
    <message>
        <source>gain over the student (percentage points)</source>
        <translation>Gewinn gegenüber dem Schüler (Prozentpunkte)</translation>
    </message>
    <message>
        <source>Entropy</source>
        <translation>Entropie</translation>
    </message>
    <message>
        <source>No benchmark yet: press Run Benchmark… in the generation pane (or run &apos;nwc collab-bench&apos;).</source>
        <translation>Noch kein Benchmark: Klicken Sie im Generierungsbereich auf Benchmark ausführen… (oder führen Sie &apos;nwc collab-bench&apos; aus).</translation>
    </message>
    <message>
        <source>Accuracy of collaborative decoding on a QA set: the student steered by the teacher for its first N tokens.</source>
        <translation>Genauigkeit des gemeinsamen Dekodierens auf einem QA-Satz: der Schüler, vom Lehrer bei seinen ersten N Tokens gesteuert.</translation>
    </message>
    <message>
        <source>Accuracy against α</source>
        <translation>Genauigkeit über α</translation>
    </message>
    <message>
        <source>Per-example best α</source>
        <translation>Bestes α je Beispiel</translation>
    </message>
    <message>
        <source>Gain by the student&apos;s entropy</source>
        <translation>Gewinn nach Entropie des Schülers</translation>
    </message>
    <message>
        <source>%1 questions of %2 · student %3 · teacher %4 · greedy, at most %5 tokens · %6 s</source>
        <translation>%1 Fragen aus %2 · Schüler %3 · Lehrer %4 · gierig, höchstens %5 Tokens · %6 s</translation>
    </message>
    <message>
        <source>the QA set</source>
        <translation>dem QA-Satz</translation>
    </message>
    <message>
        <source>N = %1</source>
        <translation>N = %1</translation>
    </message>
    <message>
        <source>student alone (%1 %)</source>
        <translation>Schüler allein (%1 %)</translation>
    </message>
    <message>
        <source>teacher alone (%1 %)</source>
        <translation>Lehrer allein (%1 %)</translation>
    </message>
    <message>
        <source>Accuracy against α (one curve per N)</source>
        <translation>Genauigkeit über α (eine Kurve je N)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keins</translation>
    </message>
    <message>
        <source>%1–%2
(%3 questions)</source>
        <translation>%1–%2
(%3 Fragen)</translation>
    </message>
    <message>
        <source>Gain over the student by first-token entropy (best α per N)</source>
        <translation>Gewinn gegenüber dem Schüler nach Entropie beim ersten Token (bestes α je N)</translation>
    </message>
    <message>
        <source>α and τ chosen on %1 calibration questions, plotted on the other %2</source>
        <translation>α und τ auf %1 Kalibrierungsfragen gewählt, auf den übrigen %2 gezeigt</translation>
    </message>
    <message>
        <source>α and τ chosen on the questions they are plotted on (optimistic)</source>
        <translation>α und τ auf den gezeigten Fragen gewählt (optimistisch)</translation>
    </message>
    <message>
        <source> · gated N = %1: α %2, τ %3, %4 %</source>
        <translation> · mit Schwelle N = %1: α %2, τ %3, %4 %</translation>
    </message>
    <message>
        <source> (teacher on %1 % of steered tokens)</source>
        <translation> (Lehrer bei %1 % der gesteuerten Tokens)</translation>
    </message>
</context>
<context>
    <name>nwc::CompensationAblationTab</name>
    <message>
        <source>method</source>
        <translation>Verfahren</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <source>KL mean (nats)</source>
        <translation>KL-Mittel (nats)</translation>
    </message>
    <message>
        <source>KL mean (right axis)</source>
        <translation>KL-Mittel (rechte Achse)</translation>
    </message>
    <message>
        <source>Compensation ablation</source>
        <translation>Kompensations-Ablation</translation>
    </message>
    <message>
        <source>No ablation data.
Run a sweep with the methods nwc, nwc+ldlq, nwc+finetune and nwc+comp
(Compress › Rate–Distortion Sweep…, or nwc sweep --methods …) and open it here.</source>
        <translation>Keine Ablationsdaten.
Führen Sie eine Messreihe mit den Verfahren nwc, nwc+ldlq, nwc+finetune und nwc+comp aus
(Komprimieren › Rate–Distortion-Messreihe… oder nwc sweep --methods …) und öffnen Sie sie hier.</translation>
    </message>
    <message>
        <source>Compensation ablation at %1 bpw</source>
        <translation>Kompensations-Ablation bei %1 bpw</translation>
    </message>
    <message>
        <source>FP16 perplexity %1</source>
        <translation>FP16-Perplexität %1</translation>
    </message>
    <message>
        <source> (%1× FP16)</source>
        <translation> (%1× FP16)</translation>
    </message>
    <message>
        <source>%1 at %2 bpw target: perplexity %3%4, KL mean %5 nats, %6 bpw</source>
        <translation>%1 bei Ziel %2 bpw: Perplexität %3%4, KL-Mittel %5 nats, %6 bpw</translation>
    </message>
</context>
<context>
    <name>nwc::CompensationColumnsTab</name>
    <message>
        <source>input column</source>
        <translation>Eingabespalte</translation>
    </message>
    <message>
        <source>column error (importance × Σ squared error)</source>
        <translation>Spaltenfehler (Wichtigkeit × Σ quadratischer Fehler)</translation>
    </message>
    <message>
        <source>compensation off</source>
        <translation>Kompensation aus</translation>
    </message>
    <message>
        <source>compensation on</source>
        <translation>Kompensation an</translation>
    </message>
    <message>
        <source>Error per input column</source>
        <translation>Fehler je Eingabespalte</translation>
    </message>
    <message>
        <source>No compensation data.
Compress with --compensate ldlq|finetune|all to measure per-column errors with compensation off and on.</source>
        <translation>Keine Kompensationsdaten.
Komprimieren Sie mit --compensate ldlq|finetune|all, um Spaltenfehler mit und ohne Kompensation zu messen.</translation>
    </message>
    <message>
        <source>This layer has no per-column errors.</source>
        <translation>Diese Schicht hat keine Spaltenfehler.</translation>
    </message>
    <message>
        <source>%1 · column %2: error off %3, on %4%5</source>
        <translation>%1 · Spalte %2: Fehler aus %3, an %4%5</translation>
    </message>
</context>
<context>
    <name>nwc::CompensationLayersTab</name>
    <message>
        <source>relative output error tr(EHEᵀ)/tr(WHWᵀ)</source>
        <translation>relativer Ausgabefehler tr(EHEᵀ)/tr(WHWᵀ)</translation>
    </message>
    <message>
        <source>compensation off</source>
        <translation>Kompensation aus</translation>
    </message>
    <message>
        <source>compensation on</source>
        <translation>Kompensation an</translation>
    </message>
    <message>
        <source>Output error per decoder block (held-out windows)</source>
        <translation>Ausgabefehler je Decoder-Block (zurückgehaltene Fenster)</translation>
    </message>
    <message>
        <source>decoder block</source>
        <translation>Decoder-Block</translation>
    </message>
    <message>
        <source>relative block output error ‖Y−Ŷ‖²/‖Y‖²</source>
        <translation>relativer Ausgabefehler des Blocks ‖Y−Ŷ‖²/‖Y‖²</translation>
    </message>
    <message>
        <source>Output error per layer</source>
        <translation>Ausgabefehler je Schicht</translation>
    </message>
    <message>
        <source>layer (block.name)</source>
        <translation>Schicht (Block.Name)</translation>
    </message>
    <message>
        <source>No compensation data.
Compress with --compensate ldlq|finetune|all (or with error compensation in Compress › Compress at Bit Rate…)
to measure output errors with compensation off and on.</source>
        <translation>Keine Kompensationsdaten.
Komprimieren Sie mit --compensate ldlq|finetune|all (oder mit Fehlerkompensation unter Komprimieren › Mit Bitrate komprimieren…),
um Ausgabefehler mit und ohne Kompensation zu messen.</translation>
    </message>
    <message>
        <source>%1: relative output error off %2, on %3%4</source>
        <translation>%1: relativer Ausgabefehler aus %2, an %3%4</translation>
    </message>
    <message>
        <source>block %1: relative output error off %2, on %3%4</source>
        <translation>Block %1: relativer Ausgabefehler aus %2, an %3%4</translation>
    </message>
</context>
<context>
    <name>nwc::CompensationView</name>
    <message>
        <source>Per layer</source>
        <translation>Je Schicht</translation>
    </message>
    <message>
        <source>Per decoder block</source>
        <translation>Je Decoder-Block</translation>
    </message>
    <message>
        <source>Block output errors are measured only when fine-tuning runs</source>
        <translation>Ausgabefehler der Blöcke werden nur bei Feinabstimmung gemessen</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Ziel:</translation>
    </message>
    <message>
        <source>Target bit rate of the compared runs</source>
        <translation>Ziel-Bitrate der verglichenen Läufe</translation>
    </message>
    <message>
        <source>Lo&amp;g scale</source>
        <translation>Lo&amp;garithmisch</translation>
    </message>
    <message>
        <source>Save the shown plot as PNG or PDF, or its data as CSV</source>
        <translation>Das gezeigte Diagramm als PNG oder PDF oder seine Daten als CSV speichern</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Spalten</translation>
    </message>
    <message>
        <source>Ablation</source>
        <translation>Ablationsstudie</translation>
    </message>
    <message>
        <source>%1 bpw</source>
        <translation>%1 bpw</translation>
    </message>
    <message>
        <source>No compensation report.</source>
        <translation>Kein Kompensationsbericht.</translation>
    </message>
    <message>
        <source>Compensation: %1</source>
        <translation>Kompensation: %1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message numerus="yes">
        <source>%n layer(s)</source>
        <translation>
            <numerusform>%n Schicht</numerusform>
            <numerusform>%n Schichten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n block(s), fine-tuned on %1 windows, measured on %2 held-out windows</source>
        <translation>
            <numerusform>%n Block, feinabgestimmt auf %1 Fenstern, gemessen auf %2 zurückgehaltenen Fenstern</numerusform>
            <numerusform>%n Blöcke, feinabgestimmt auf %1 Fenstern, gemessen auf %2 zurückgehaltenen Fenstern</numerusform>
        </translation>
    </message>
    <message>
        <source>ablation sweep of %1</source>
        <translation>Ablations-Messreihe von %1</translation>
    </message>
</context>
<context>
    <name>nwc::CompressDialog</name>
    <message>
        <source>%1 — %2, %3 bpw nominal</source>
        <translation>%1 — %2, nominell %3 bpw</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Evaluate after compressing</source>
        <translation>Nach dem Komprimieren evaluieren</translation>
    </message>
    <message>
        <source>Compress %1</source>
        <translation>%1 komprimieren</translation>
    </message>
    <message>
        <source>NWC — learned neural codec</source>
        <translation>NWC — gelernter neuronaler Codec</translation>
    </message>
    <message>
        <source>RTN — round to nearest</source>
        <translation>RTN — Runden auf den nächsten Wert</translation>
    </message>
    <message>
        <source>GPTQ — error-compensated rounding</source>
        <translation>GPTQ — fehlerkompensiertes Runden</translation>
    </message>
    <message>
        <source>NWC codes normalized weight columns with a learned codec at any rate; RTN and GPTQ are integer baselines at whole bits</source>
        <translation>NWC kodiert normierte Gewichtsspalten mit einem gelernten Codec bei beliebiger Rate; RTN und GPTQ sind ganzzahlige Vergleichsverfahren mit ganzen Bits</translation>
    </message>
    <message>
        <source> bpw</source>
        <translation> bpw</translation>
    </message>
    <message>
        <source>Bits per weight over the compressed tensors, side information included, counted from the bytes written</source>
        <translation>Bits pro Gewicht über die komprimierten Tensoren, Nebeninformationen eingeschlossen, gezählt aus den geschriebenen Bytes</translation>
    </message>
    <message>
        <source>The codecs the bit allocation chooses from, per tensor</source>
        <translation>Die Codecs, aus denen die Bitzuteilung je Tensor wählt</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>LDLQ — feed coding errors forward within each layer</source>
        <translation>LDLQ — Kodierfehler innerhalb jeder Schicht weitergeben</translation>
    </message>
    <message>
        <source>Fine-tuning — tune each block against the original (slower)</source>
        <translation>Feinabstimmung — jeden Block am Original abstimmen (langsamer)</translation>
    </message>
    <message>
        <source>Both — LDLQ and fine-tuning (slowest)</source>
        <translation>Beides — LDLQ und Feinabstimmung (am langsamsten)</translation>
    </message>
    <message>
        <source>Code every column as it is</source>
        <translation>Jede Spalte so kodieren, wie sie ist</translation>
    </message>
    <message>
        <source>Feed each coded column block&apos;s error onto the columns not yet coded (cheap)</source>
        <translation>Den Fehler jedes kodierten Spaltenblocks auf die noch nicht kodierten Spalten übertragen (günstig)</translation>
    </message>
    <message>
        <source>Tune each decoder block against the original model&apos;s outputs (runs the model many times: takes considerably longer)</source>
        <translation>Jeden Decoder-Block an den Ausgaben des Originalmodells abstimmen (führt das Modell oft aus: dauert erheblich länger)</translation>
    </message>
    <message>
        <source>LDLQ, then fine-tuning (the slowest)</source>
        <translation>LDLQ, dann Feinabstimmung (am langsamsten)</translation>
    </message>
    <message>
        <source>&lt;p&gt;Error compensation while coding with NWC (the result goes to the Compensation view):&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;LDLQ&lt;/b&gt;: inside each layer, the error of every coded column block is fed onto the columns not yet coded, through the calibration statistics (cheap).&lt;/li&gt;&lt;li&gt;&lt;b&gt;Fine-tuning&lt;/b&gt;: after each decoder block, norm weights, column scales and the weights not yet coded are tuned so the block&apos;s output matches the original model&apos;s. This runs the model many times and takes considerably longer.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Both&lt;/b&gt;: LDLQ and fine-tuning.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;Both need calibration (the demo corpus for demo models).&lt;/p&gt;</source>
        <translation>&lt;p&gt;Fehlerkompensation beim Kodieren mit NWC (das Ergebnis erscheint in der Ansicht Kompensation):&lt;/p&gt;&lt;ul&gt;&lt;li&gt;&lt;b&gt;LDLQ&lt;/b&gt;: Innerhalb jeder Schicht wird der Fehler jedes kodierten Spaltenblocks über die Kalibrierungsstatistik auf die noch nicht kodierten Spalten übertragen (günstig).&lt;/li&gt;&lt;li&gt;&lt;b&gt;Feinabstimmung&lt;/b&gt;: Nach jedem Decoder-Block werden Norm-Gewichte, Spaltenskalen und die noch nicht kodierten Gewichte so abgestimmt, dass die Ausgabe des Blocks der des Originalmodells entspricht. Das führt das Modell oft aus und dauert erheblich länger.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Beides&lt;/b&gt;: LDLQ und Feinabstimmung.&lt;/li&gt;&lt;/ul&gt;&lt;p&gt;Beide brauchen eine Kalibrierung (bei Demomodellen den Demokorpus).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>demo corpus (demo models only)</source>
        <translation>Demokorpus (nur Demomodelle)</translation>
    </message>
    <message>
        <source>A UTF-8 text file whose activations rank the weight columns by importance (NWC) or drive the error compensation (GPTQ)</source>
        <translation>Eine UTF-8-Textdatei, deren Aktivierungen die Gewichtsspalten nach Wichtigkeit ordnen (NWC) oder die Fehlerkompensation steuern (GPTQ)</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>Speichern unter…</translation>
    </message>
    <message>
        <source>Load the compressed model afterwards and measure its perplexity and its KL divergence from the uncompressed model</source>
        <translation>Das komprimierte Modell danach laden und seine Perplexität und KL-Divergenz zum unkomprimierten Modell messen</translation>
    </message>
    <message>
        <source>&amp;Calibration text:</source>
        <translation>&amp;Kalibrierungstext:</translation>
    </message>
    <message>
        <source>&amp;Output file:</source>
        <translation>&amp;Ausgabedatei:</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>&amp;Method:</source>
        <translation>&amp;Verfahren:</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Ziel:</translation>
    </message>
    <message>
        <source>Co&amp;dec:</source>
        <translation>Co&amp;dec-Auswahl:</translation>
    </message>
    <message>
        <source>Com&amp;pensation:</source>
        <translation>Kom&amp;pensation:</translation>
    </message>
    <message>
        <source>Compress</source>
        <translation>Komprimieren</translation>
    </message>
    <message>
        <source>Default ladder (1 identity codec)</source>
        <translation>Standardleiter (1 Identitäts-Codec)</translation>
    </message>
    <message>
        <source>Default ladder (%1 identity codecs)</source>
        <translation>Standardleiter (%1 Identitäts-Codecs)</translation>
    </message>
    <message>
        <source>No codec files were found in the codec folder</source>
        <translation>Im Codec-Ordner wurden keine Codec-Dateien gefunden</translation>
    </message>
    <message>
        <source>%1 (unreadable)</source>
        <translation>%1 (nicht lesbar)</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>Datei wählen…</translation>
    </message>
    <message>
        <source>Choose Codec File</source>
        <translation>Codec-Datei wählen</translation>
    </message>
    <message>
        <source>Codec files (*.h5);;All files (*)</source>
        <translation>Codec-Dateien (*.h5);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>NWC reaches the target within ±0.05 bits per weight, column scales and quality levels included. A target the codecs cannot reach is refused with the reachable range.</source>
        <translation>NWC erreicht das Ziel auf ±0,05 Bits pro Gewicht genau, Spaltenskalen und Qualitätsstufen eingeschlossen. Ein Ziel, das die Codecs nicht erreichen, wird mit Angabe des erreichbaren Bereichs abgelehnt.</translation>
    </message>
    <message>
        <source>RTN and GPTQ code whole bits (2–8) and add an fp16 scale and zero point per group of 128 weights: about +0.25 bits per weight on top of the target.</source>
        <translation>RTN und GPTQ kodieren ganze Bits (2–8) und fügen je Gruppe von 128 Gewichten eine fp16-Skala und einen Nullpunkt hinzu: etwa +0,25 Bits pro Gewicht zusätzlich zum Ziel.</translation>
    </message>
    <message>
        <source>RTN needs no calibration</source>
        <translation>RTN braucht keine Kalibrierung</translation>
    </message>
    <message>
        <source>Choose Calibration Text</source>
        <translation>Kalibrierungstext wählen</translation>
    </message>
    <message>
        <source>Text files (*.txt *.md *.jsonl);;All files (*)</source>
        <translation>Textdateien (*.txt *.md *.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Save Compressed Model As</source>
        <translation>Komprimiertes Modell speichern unter</translation>
    </message>
    <message>
        <source>Compressed models (*.nwc)</source>
        <translation>Komprimierte Modelle (*.nwc)</translation>
    </message>
    <message>
        <source>context %1, stride %2, first %3 bytes</source>
        <translation>Kontext %1, Schrittweite %2, erste %3 Bytes</translation>
    </message>
    <message>
        <source>Perplexity and mean KL divergence against the uncompressed model on %1 (%2).</source>
        <translation>Perplexität und mittlere KL-Divergenz zum unkomprimierten Modell auf %1 (%2).</translation>
    </message>
    <message>
        <source>The demo held-out text was not found, so the result cannot be evaluated.</source>
        <translation>Der zurückgehaltene Demotext wurde nicht gefunden, daher kann das Ergebnis nicht evaluiert werden.</translation>
    </message>
    <message>
        <source>Perplexity and mean KL divergence against the uncompressed model on the calibration text (%1).</source>
        <translation>Perplexität und mittlere KL-Divergenz zum unkomprimierten Modell auf dem Kalibrierungstext (%1).</translation>
    </message>
    <message>
        <source>%1 cannot run in the workbench, so %2 cannot calibrate on it: use RTN. (%3)</source>
        <translation>%1 kann in der Workbench nicht ausgeführt werden, daher kann %2 nicht darauf kalibrieren: Verwenden Sie RTN. (%3)</translation>
    </message>
    <message>
        <source>%1 is not a demo model: %2 needs a calibration text (a UTF-8 text file). Choose one, or use RTN, which needs none.</source>
        <translation>%1 ist kein Demomodell: %2 braucht einen Kalibrierungstext (eine UTF-8-Textdatei). Wählen Sie einen, oder verwenden Sie RTN, das keinen braucht.</translation>
    </message>
    <message>
        <source>The calibration text %1 does not exist.</source>
        <translation>Der Kalibrierungstext %1 existiert nicht.</translation>
    </message>
    <message>
        <source>No codecs are installed: choose a codec file (train one with &apos;nwc train-codec&apos;).</source>
        <translation>Es sind keine Codecs installiert: Wählen Sie eine Codec-Datei (trainieren Sie eine mit &apos;nwc train-codec&apos;).</translation>
    </message>
    <message>
        <source>Choose an output file.</source>
        <translation>Wählen Sie eine Ausgabedatei.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Der Ordner %1 existiert nicht.</translation>
    </message>
    <message>
        <source>%1 is a folder: choose a file name.</source>
        <translation>%1 ist ein Ordner: Wählen Sie einen Dateinamen.</translation>
    </message>
    <message>
        <source>The output file is the model being compressed: choose another name.</source>
        <translation>Die Ausgabedatei ist das Modell, das komprimiert wird: Wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>The demo held-out text was not found: turn off evaluation.</source>
        <translation>Der zurückgehaltene Demotext wurde nicht gefunden: Schalten Sie die Evaluierung aus.</translation>
    </message>
    <message>
        <source>Evaluation needs a text: choose a calibration text, or turn off evaluation.</source>
        <translation>Die Evaluierung braucht einen Text: Wählen Sie einen Kalibrierungstext oder schalten Sie die Evaluierung aus.</translation>
    </message>
    <message>
        <source>%1 exists and will be replaced.</source>
        <translation>%1 existiert und wird ersetzt.</translation>
    </message>
</context>
<context>
    <name>nwc::CompressedTensorModel</name>
    <message>
        <source>%1 × %2</source>
        <translation>%1 × %2</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <source>1 bit</source>
        <translation>1 Bit</translation>
    </message>
    <message>
        <source>%1 bits</source>
        <translation>%1 Bits</translation>
    </message>
    <message>
        <source>%1: %2 bits per weight = 8 × %3 counted bytes / %4 weights</source>
        <translation>%1: %2 Bits pro Gewicht = 8 × %3 gezählte Bytes / %4 Gewichte</translation>
    </message>
    <message>
        <source>Tensor</source>
        <translation>Tensorname</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Verfahren</translation>
    </message>
    <message>
        <source>Codec</source>
        <translation>Codec-ID</translation>
    </message>
    <message>
        <source>Step / bits</source>
        <translation>Schritt / Bits</translation>
    </message>
    <message>
        <source>Bits/weight</source>
        <translation>Bits/Gewicht</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>Größe (Bytes)</translation>
    </message>
    <message>
        <source>Rows (outputs) × columns (inputs), in the orientation the coder uses</source>
        <translation>Zeilen (Ausgänge) × Spalten (Eingänge), in der Ausrichtung des Kodierers</translation>
    </message>
    <message>
        <source>NWC: latent quantization step chosen by the bit allocation; RTN/GPTQ: code width</source>
        <translation>NWC: von der Bitzuteilung gewählte latente Quantisierungsschrittweite; RTN/GPTQ: Codebreite</translation>
    </message>
    <message>
        <source>8 × counted bytes / weights, side information included</source>
        <translation>8 × gezählte Bytes / Gewichte, Nebeninformationen eingeschlossen</translation>
    </message>
    <message>
        <source>Counted bytes: bitstream or codes plus side information and a per-tensor header allowance</source>
        <translation>Gezählte Bytes: Bitstrom oder Codes plus Nebeninformationen und ein Kopfzuschlag je Tensor</translation>
    </message>
</context>
<context>
    <name>nwc::CompressionController</name>
    <message>
        <source>Compress at &amp;Bit Rate…</source>
        <translation>Mit &amp;Bitrate komprimieren…</translation>
    </message>
    <message>
        <source>&amp;Export Compressed Checkpoint (.nwc)…</source>
        <translation>Komprimierten Checkpoint &amp;exportieren (.nwc)…</translation>
    </message>
    <message>
        <source>Export Decompressed &amp;Safetensors…</source>
        <translation>Dekomprimierte &amp;Safetensors exportieren…</translation>
    </message>
    <message>
        <source>Compress %1 to a target number of bits per weight into a .nwc file</source>
        <translation>%1 auf eine Zielzahl von Bits pro Gewicht in eine .nwc-Datei komprimieren</translation>
    </message>
    <message>
        <source>Save a copy of %1&apos;s .nwc file</source>
        <translation>Eine Kopie der .nwc-Datei von %1 speichern</translation>
    </message>
    <message>
        <source>Compress %1 into a self-contained .nwc file</source>
        <translation>%1 in eine eigenständige .nwc-Datei komprimieren</translation>
    </message>
    <message>
        <source>Decode every tensor of %1 and write a Hugging Face folder (model.safetensors, config.json, tokenizer)</source>
        <translation>Jeden Tensor von %1 dekodieren und einen Hugging-Face-Ordner schreiben (model.safetensors, config.json, Tokenizer)</translation>
    </message>
    <message>
        <source>Needs a compressed model open: open a .nwc file, or compress the current model first.</source>
        <translation>Benötigt ein geöffnetes komprimiertes Modell: Öffnen Sie eine .nwc-Datei oder komprimieren Sie zuerst das aktuelle Modell.</translation>
    </message>
    <message>
        <source>Compressing to %1…</source>
        <translation>Komprimiere nach %1…</translation>
    </message>
    <message>
        <source>Compress to %1 (%2 bpw %3)</source>
        <translation>Nach %1 komprimieren (%2 bpw %3)</translation>
    </message>
    <message>
        <source>Wrote %1 at %2 bits per weight.</source>
        <translation>%1 mit %2 Bits pro Gewicht geschrieben.</translation>
    </message>
    <message>
        <source>Compress</source>
        <translation>Komprimieren</translation>
    </message>
    <message>
        <source>Compression failed: %1</source>
        <translation>Die Kompression ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Compressing to %1 was cancelled; no file was written.</source>
        <translation>Die Kompression nach %1 wurde abgebrochen; es wurde keine Datei geschrieben.</translation>
    </message>
    <message>
        <source>Export Compressed Checkpoint</source>
        <translation>Komprimierten Checkpoint exportieren</translation>
    </message>
    <message>
        <source>Compressed models (*.nwc)</source>
        <translation>Komprimierte Modelle (*.nwc)</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>%1 exportieren</translation>
    </message>
    <message>
        <source>Exported %1.</source>
        <translation>%1 exportiert.</translation>
    </message>
    <message>
        <source>Exporting %1 was cancelled; no file was written.</source>
        <translation>Der Export von %1 wurde abgebrochen; es wurde keine Datei geschrieben.</translation>
    </message>
    <message>
        <source>Export Decompressed Safetensors To Folder</source>
        <translation>Dekomprimierte Safetensors in Ordner exportieren</translation>
    </message>
    <message>
        <source>Export Decompressed Safetensors</source>
        <translation>Dekomprimierte Safetensors exportieren</translation>
    </message>
    <message>
        <source>%1 is not empty. Files of the same names (model.safetensors, config.json, tokenizer files) will be replaced. Continue?</source>
        <translation>%1 ist nicht leer. Dateien gleichen Namens (model.safetensors, config.json, Tokenizer-Dateien) werden ersetzt. Fortfahren?</translation>
    </message>
    <message>
        <source>Decompress %1</source>
        <translation>%1 dekomprimieren</translation>
    </message>
    <message>
        <source>Wrote the decompressed model to %1.</source>
        <translation>Das dekomprimierte Modell wurde nach %1 geschrieben.</translation>
    </message>
    <message>
        <source>Decompressing was cancelled; nothing was written.</source>
        <translation>Das Dekomprimieren wurde abgebrochen; es wurde nichts geschrieben.</translation>
    </message>
</context>
<context>
    <name>nwc::CompressionJob</name>
    <message>
        <source>no evaluation text was given: choose a calibration text, or compress without evaluation</source>
        <translation>es wurde kein Evaluierungstext angegeben: Wählen Sie einen Kalibrierungstext oder komprimieren Sie ohne Evaluierung</translation>
    </message>
    <message>
        <source>cannot read the evaluation text %1: %2</source>
        <translation>der Evaluierungstext %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>loading the original model</source>
        <translation>lade das Originalmodell</translation>
    </message>
    <message>
        <source>loading the compressed model</source>
        <translation>lade das komprimierte Modell</translation>
    </message>
    <message>
        <source>perplexity of the original</source>
        <translation>Perplexität des Originals</translation>
    </message>
    <message>
        <source>perplexity of the compressed model</source>
        <translation>Perplexität des komprimierten Modells</translation>
    </message>
    <message>
        <source>KL divergence</source>
        <translation>KL-Divergenz</translation>
    </message>
    <message>
        <source>the original and the compressed model do not both fit in memory</source>
        <translation>das Original und das komprimierte Modell passen nicht beide in den Arbeitsspeicher</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>heldout.txt (built-in demo held-out text)</source>
        <translation>heldout.txt (eingebauter zurückgehaltener Demotext)</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is the file being exported; choose another name</source>
        <translation>%1 ist die Datei, die exportiert wird; wählen Sie einen anderen Namen</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>copying %1</source>
        <translation>kopiere %1</translation>
    </message>
</context>
<context>
    <name>nwc::CompressionSummaryDialog</name>
    <message>
        <source>%1 bytes</source>
        <translation>%1 Bytes</translation>
    </message>
    <message>
        <source>%1 (%2 bytes)</source>
        <translation>%1 (%2 Bytes)</translation>
    </message>
    <message>
        <source>&amp;Open Compressed Model</source>
        <translation>&amp;Komprimiertes Modell öffnen</translation>
    </message>
    <message>
        <source>Compressed %1</source>
        <translation>%1 komprimiert</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1 bits per weight&lt;/b&gt; (target %2) with %3 → &lt;b&gt;%4&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1 Bits pro Gewicht&lt;/b&gt; (Ziel %2) mit %3 → &lt;b&gt;%4&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Rate and size</source>
        <translation>Rate und Größe</translation>
    </message>
    <message>
        <source>Achieved:</source>
        <translation>Erreicht:</translation>
    </message>
    <message>
        <source>%1 bits per weight (target %2)</source>
        <translation>%1 Bits pro Gewicht (Ziel %2)</translation>
    </message>
    <message>
        <source>8 × counted bytes / compressed weights</source>
        <translation>8 × gezählte Bytes / komprimierte Gewichte</translation>
    </message>
    <message>
        <source>Counted bytes:</source>
        <translation>Gezählte Bytes:</translation>
    </message>
    <message>
        <source>%1 for %2 weights</source>
        <translation>%1 für %2 Gewichte</translation>
    </message>
    <message>
        <source>Bitstreams or codes, side information and a per-tensor header allowance</source>
        <translation>Bitströme oder Codes, Nebeninformationen und ein Kopfzuschlag je Tensor</translation>
    </message>
    <message>
        <source>%1 estimated, %2 written (%3 %)</source>
        <translation>%1 geschätzt, %2 geschrieben (%3 %)</translation>
    </message>
    <message>
        <source>— (%1 writes integer codes, no entropy-coded bitstream)</source>
        <translation>— (%1 schreibt ganzzahlige Codes, keinen entropiekodierten Bitstrom)</translation>
    </message>
    <message>
        <source>Bitstream bits:</source>
        <translation>Bits im Bitstrom:</translation>
    </message>
    <message>
        <source>The entropy model&apos;s code length against the bits the rANS coder wrote</source>
        <translation>Die Codelänge des Entropiemodells gegenüber den Bits, die der rANS-Kodierer geschrieben hat</translation>
    </message>
    <message>
        <source>Passthrough tensors:</source>
        <translation>Unverändert übernommene Tensoren:</translation>
    </message>
    <message>
        <source>Embeddings, norms and biases stored as they were; not counted in bits per weight</source>
        <translation>Embeddings, Normen und Biases, unverändert gespeichert; nicht in Bits pro Gewicht gezählt</translation>
    </message>
    <message>
        <source>Codec parameters:</source>
        <translation>Codec-Parameter:</translation>
    </message>
    <message>
        <source>Network and entropy-model weights of the codecs stored in the file; not counted in bits per weight</source>
        <translation>Netz- und Entropiemodell-Gewichte der in der Datei gespeicherten Codecs; nicht in Bits pro Gewicht gezählt</translation>
    </message>
    <message>
        <source>File size:</source>
        <translation>Dateigröße:</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>compression %1</source>
        <translation>Kompression %1</translation>
    </message>
    <message>
        <source>, evaluation %1</source>
        <translation>, Evaluierung %1</translation>
    </message>
    <message>
        <source>Time:</source>
        <translation>Zeit:</translation>
    </message>
    <message>
        <source>Peak memory:</source>
        <translation>Spitzenspeicher:</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Peak resident memory of the whole workbench process so far</source>
        <translation>Bisheriger Spitzenwert des belegten Arbeitsspeichers des gesamten Workbench-Prozesses</translation>
    </message>
    <message>
        <source>Source model:</source>
        <translation>Quellmodell:</translation>
    </message>
    <message>
        <source>none (RTN)</source>
        <translation>keine (RTN)</translation>
    </message>
    <message>
        <source>demo corpus</source>
        <translation>Demokorpus</translation>
    </message>
    <message>
        <source>Calibration:</source>
        <translation>Kalibrierung:</translation>
    </message>
    <message>
        <source>— (%1, groups of %2)</source>
        <translation>— (%1, Gruppen zu %2)</translation>
    </message>
    <message>
        <source>default ladder</source>
        <translation>Standardleiter</translation>
    </message>
    <message>
        <source>Codecs:</source>
        <translation>Verwendete Codecs:</translation>
    </message>
    <message>
        <source>Quality against the uncompressed model</source>
        <translation>Qualität gegenüber dem unkomprimierten Modell</translation>
    </message>
    <message>
        <source>Perplexity:</source>
        <translation>Perplexität:</translation>
    </message>
    <message>
        <source>%1 compressed vs %2 original (%3)</source>
        <translation>%1 komprimiert gegenüber %2 Original (%3)</translation>
    </message>
    <message>
        <source>Mean KL divergence:</source>
        <translation>Mittlere KL-Divergenz:</translation>
    </message>
    <message>
        <source>%1 nats (median %2, p99 %3); same top token %4 %</source>
        <translation>%1 nats (Median %2, p99 %3); gleiches Top-Token %4 %</translation>
    </message>
    <message>
        <source>KL(original ‖ compressed) of the next-token distributions, averaged over the scored positions</source>
        <translation>KL(Original ‖ komprimiert) der Verteilungen des nächsten Tokens, gemittelt über die bewerteten Positionen</translation>
    </message>
    <message>
        <source>Measured on:</source>
        <translation>Gemessen auf:</translation>
    </message>
    <message>
        <source>%1: %2 bytes, %3 tokens scored; context %4, stride %5</source>
        <translation>%1: %2 Bytes, %3 Tokens bewertet; Kontext %4, Schrittweite %5</translation>
    </message>
    <message>
        <source>Not evaluated:</source>
        <translation>Nicht evaluiert:</translation>
    </message>
    <message>
        <source>turn on &quot;Evaluate after compressing&quot; to measure perplexity and KL divergence</source>
        <translation>schalten Sie „Nach dem Komprimieren evaluieren“ ein, um Perplexität und KL-Divergenz zu messen</translation>
    </message>
    <message>
        <source>1 compressed tensor:</source>
        <translation>1 komprimierter Tensor:</translation>
    </message>
    <message>
        <source>%1 compressed tensors:</source>
        <translation>%1 komprimierte Tensoren:</translation>
    </message>
    <message>
        <source>Open %1 in the workbench as the current model</source>
        <translation>%1 in der Workbench als aktuelles Modell öffnen</translation>
    </message>
</context>
<context>
    <name>nwc::ComputeDevices</name>
    <message>
        <source>This build&apos;s LibTorch %1 has no CUDA support: rebuild against a CUDA LibTorch (see README, GPU).</source>
        <translation>Die LibTorch %1 dieses Builds unterstützt kein CUDA: erstellen Sie die Workbench mit einer CUDA-fähigen LibTorch neu (siehe README, GPU).</translation>
    </message>
    <message>
        <source>LibTorch %1 has CUDA, but no GPU was found: check the NVIDIA driver and CUDA_VISIBLE_DEVICES.</source>
        <translation>LibTorch %1 unterstützt CUDA, aber es wurde keine GPU gefunden: prüfen Sie den NVIDIA-Treiber und CUDA_VISIBLE_DEVICES.</translation>
    </message>
</context>
<context>
    <name>nwc::EntropyStrip</name>
    <message>
        <source>H(p_s), the student&apos;s entropy, per generated token</source>
        <translation>H(p_s), die Entropie des Schülers, je generiertem Token</translation>
    </message>
    <message>
        <source>token %1: H(p_s) = %2 nats</source>
        <translation>Token %1: H(p_s) = %2 nats</translation>
    </message>
</context>
<context>
    <name>nwc::GenerationPane</name>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generieren</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>&amp;Stopp</translation>
    </message>
    <message>
        <source>Run &amp;Benchmark…</source>
        <translation>&amp;Benchmark ausführen…</translation>
    </message>
    <message>
        <source>Student alone</source>
        <translation>Schüler allein</translation>
    </message>
    <message>
        <source>Prompt (Ctrl+Return generates)</source>
        <translation>Eingabetext (Strg+Eingabe generiert)</translation>
    </message>
    <message>
        <source>Stop after this many new tokens</source>
        <translation>Nach so vielen neuen Tokens anhalten</translation>
    </message>
    <message>
        <source>greedy</source>
        <translation>gierig</translation>
    </message>
    <message>
        <source>Sampling temperature of the student (both columns, after the first N tokens on the right); 0 always picks the most likely token</source>
        <translation>Sampling-Temperatur des Schülers (beide Spalten, rechts nach den ersten N Tokens); 0 wählt immer das wahrscheinlichste Token</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Sample only among the k most likely tokens (0 = off)</source>
        <translation>Nur unter den k wahrscheinlichsten Tokens ziehen (0 = aus)</translation>
    </message>
    <message>
        <source>Nucleus sampling: the smallest set of tokens whose probability reaches p (1 = off)</source>
        <translation>Nucleus-Sampling: die kleinste Menge von Tokens, deren Wahrscheinlichkeit p erreicht (1 = aus)</translation>
    </message>
    <message>
        <source>Random seed; the same seed and settings give the same text</source>
        <translation>Zufallsstartwert; derselbe Startwert und dieselben Einstellungen ergeben denselben Text</translation>
    </message>
    <message>
        <source>The model that steers the student&apos;s first N tokens; it must share the student&apos;s tokenizer (a .nwc container works too)</source>
        <translation>Das Modell, das die ersten N Tokens des Schülers steuert; es muss den Tokenizer des Schülers teilen (ein .nwc-Container geht auch)</translation>
    </message>
    <message>
        <source>Model file or .nwc…</source>
        <translation>Modelldatei oder .nwc…</translation>
    </message>
    <message>
        <source>Model folder…</source>
        <translation>Modellordner…</translation>
    </message>
    <message>
        <source>S = p_s + α (p_t − p_s): 0 = student, 1 = teacher&apos;s token, &gt; 1 over-trusts the teacher, &lt; 0 pushes away from it</source>
        <translation>S = p_s + α (p_t − p_s): 0 = Schüler, 1 = Token des Lehrers, &gt; 1 vertraut dem Lehrer übermäßig, &lt; 0 entfernt sich von ihm</translation>
    </message>
    <message>
        <source>N: how many first tokens the teacher steers; the student goes on alone afterwards</source>
        <translation>N: wie viele erste Tokens der Lehrer steuert; danach fährt der Schüler allein fort</translation>
    </message>
    <message>
        <source>fixed α</source>
        <translation>festes α</translation>
    </message>
    <message>
        <source>gated α</source>
        <translation>α mit Schwelle</translation>
    </message>
    <message>
        <source>Gated: α_eff = 0 (the student decides) where its entropy H(p_s) is below τ</source>
        <translation>Mit Schwelle: α_eff = 0 (der Schüler entscheidet), wo seine Entropie H(p_s) unter τ liegt</translation>
    </message>
    <message>
        <source> nats</source>
        <translation> nats</translation>
    </message>
    <message>
        <source>Stop the running generation (Esc)</source>
        <translation>Die laufende Generierung anhalten (Esc)</translation>
    </message>
    <message>
        <source>Max tokens</source>
        <translation>Max. Tokens</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>Temperatur</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Teacher</source>
        <translation>Lehrer</translation>
    </message>
    <message>
        <source>α</source>
        <translation>α</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>τ</source>
        <translation>τ</translation>
    </message>
    <message>
        <source>No model is open.</source>
        <translation>Es ist kein Modell geöffnet.</translation>
    </message>
    <message>
        <source>Ready.</source>
        <translation>Bereit.</translation>
    </message>
    <message>
        <source>Load teacher %1</source>
        <translation>Lehrer %1 laden</translation>
    </message>
    <message>
        <source>loading was cancelled</source>
        <translation>das Laden wurde abgebrochen</translation>
    </message>
    <message>
        <source>Choose Teacher Model</source>
        <translation>Lehrermodell wählen</translation>
    </message>
    <message>
        <source>Models (*.nwc *.safetensors *.bin *.gguf *.pt);;All files (*)</source>
        <translation>Modelle (*.nwc *.safetensors *.bin *.gguf *.pt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Choose Teacher Model Folder</source>
        <translation>Ordner des Lehrermodells wählen</translation>
    </message>
    <message>
        <source>Teacher Model</source>
        <translation>Lehrermodell</translation>
    </message>
    <message>
        <source>Could not load the teacher %1: %2</source>
        <translation>Der Lehrer %1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>%1 cannot steer %2: %3</source>
        <translation>%1 kann %2 nicht steuern: %3</translation>
    </message>
    <message>
        <source>Loading the teacher %1…</source>
        <translation>Der Lehrer %1 wird geladen…</translation>
    </message>
    <message>
        <source>The teacher %1 could not be loaded: %2. Choose another teacher above.</source>
        <translation>Der Lehrer %1 konnte nicht geladen werden: %2. Wählen Sie oben einen anderen Lehrer.</translation>
    </message>
    <message>
        <source>Cannot steer %1 with %2: %3. Choose a teacher with the same tokenizer.</source>
        <translation>%1 kann nicht mit %2 gesteuert werden: %3. Wählen Sie einen Lehrer mit demselben Tokenizer.</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>Generiere…</translation>
    </message>
    <message>
        <source>Generate up to %1 tokens with %2</source>
        <translation>Bis zu %1 Tokens mit %2 generieren</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Die Generierung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Angehalten.</translation>
    </message>
    <message>
        <source>%1 token in %2 s · %3 tokens/s</source>
        <translation>%1 Token in %2 s · %3 Tokens/s</translation>
    </message>
    <message>
        <source>%1 tokens in %2 s · %3 tokens/s</source>
        <translation>%1 Tokens in %2 s · %3 Tokens/s</translation>
    </message>
    <message>
        <source> · prompt: %1 token in %2 ms</source>
        <translation> · Eingabe: %1 Token in %2 ms</translation>
    </message>
    <message>
        <source> · prompt: %1 tokens in %2 ms</source>
        <translation> · Eingabe: %1 Tokens in %2 ms</translation>
    </message>
    <message>
        <source> · stopped at end of text</source>
        <translation> · am Textende angehalten</translation>
    </message>
    <message>
        <source> · steered: the teacher ran at %1 step(s), %2 token(s) flipped</source>
        <translation> · gesteuert: Lehrerschritte: %1, umgeschlagene Tokens: %2</translation>
    </message>
    <message>
        <source> · collaborative column: %1</source>
        <translation> · gemeinsame Spalte: %1</translation>
    </message>
    <message>
        <source>Student: %1 · teacher: %2</source>
        <translation>Schüler: %1 · Lehrer: %2</translation>
    </message>
    <message>
        <source>Generation unavailable</source>
        <translation>Generierung nicht verfügbar</translation>
    </message>
    <message>
        <source>Student alone (%1)</source>
        <translation>Schüler allein (%1)</translation>
    </message>
    <message>
        <source>Student + teacher (first %1 tokens, α = %2</source>
        <translation>Schüler + Lehrer (erste %1 Tokens, α = %2</translation>
    </message>
    <message>
        <source>, gated at τ = %1 nats</source>
        <translation>, Schwelle τ = %1 nats</translation>
    </message>
    <message>
        <source>Measure QA accuracy of the student, the teacher and the steered student over α and N on the built-in held-out demo arithmetic set (takes minutes)</source>
        <translation>Die QA-Genauigkeit des Schülers, des Lehrers und des gesteuerten Schülers über α und N auf dem eingebauten zurückgehaltenen Demo-Rechenaufgabensatz messen (dauert Minuten)</translation>
    </message>
    <message>
        <source>Generate a continuation of the prompt (Ctrl+Return)</source>
        <translation>Eine Fortsetzung des Eingabetexts generieren (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>The generated text appears here as it is produced.</source>
        <translation>Der generierte Text erscheint hier, während er entsteht.</translation>
    </message>
    <message>
        <source>The steered continuation appears here: the teacher decides with the student for the first N tokens.</source>
        <translation>Die gesteuerte Fortsetzung erscheint hier: Bei den ersten N Tokens entscheidet der Lehrer mit dem Schüler.</translation>
    </message>
</context>
<context>
    <name>nwc::GuidedTour</name>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>The demo question set could not be read: %1</source>
        <translation>Der Demo-Fragensatz konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>The open model has no tensor named %1.</source>
        <translation>Das geöffnete Modell hat keinen Tensor namens %1.</translation>
    </message>
    <message>
        <source>The open model cannot be run, so its importance cannot be computed.</source>
        <translation>Das geöffnete Modell kann nicht ausgeführt werden, daher lässt sich seine Wichtigkeit nicht berechnen.</translation>
    </message>
    <message>
        <source>The sweep failed: %1</source>
        <translation>Die Messreihe ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The teacher %1 could not be loaded: %2</source>
        <translation>Der Lehrer %1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>A generation is running: stop it (Esc) and run this step again.</source>
        <translation>Eine Generierung läuft: Halten Sie sie an (Esc) und führen Sie diesen Schritt erneut aus.</translation>
    </message>
    <message>
        <source>Generation failed: %1</source>
        <translation>Die Generierung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The generation pane could not start: %1</source>
        <translation>Der Generierungsbereich konnte nicht starten: %1</translation>
    </message>
</context>
<context>
    <name>nwc::HistogramPlot</name>
    <message>
        <source>value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Select a tensor to see its histogram.</source>
        <translation>Wählen Sie einen Tensor, um sein Histogramm zu sehen.</translation>
    </message>
    <message>
        <source>This tensor has no values to plot.</source>
        <translation>Dieser Tensor hat keine darstellbaren Werte.</translation>
    </message>
    <message>
        <source>Mean (solid) and mean ± one standard deviation (dashed). Right-click to save the plot or its data.</source>
        <translation>Mittelwert (durchgezogen) und Mittelwert ± eine Standardabweichung (gestrichelt). Rechtsklick speichert das Diagramm oder seine Daten.</translation>
    </message>
    <message>
        <source>Logarithmic Counts</source>
        <translation>Logarithmische Anzahlen</translation>
    </message>
    <message>
        <source>Save Plot as Image…</source>
        <translation>Diagramm als Bild speichern…</translation>
    </message>
    <message>
        <source>Save Histogram as CSV…</source>
        <translation>Histogramm als CSV speichern…</translation>
    </message>
    <message>
        <source>Save Plot</source>
        <translation>Diagramm speichern</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf);;JPEG image (*.jpg)</source>
        <translation>PNG-Bild (*.png);;PDF-Dokument (*.pdf);;JPEG-Bild (*.jpg)</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Save Histogram</source>
        <translation>Histogramm speichern</translation>
    </message>
    <message>
        <source>CSV file (*.csv)</source>
        <translation>CSV-Datei (*.csv)</translation>
    </message>
</context>
<context>
    <name>nwc::ImportanceController</name>
    <message>
        <source>Compute &amp;Importance…</source>
        <translation>&amp;Wichtigkeit berechnen…</translation>
    </message>
    <message>
        <source>Compute Importance…</source>
        <translation>Wichtigkeit berechnen…</translation>
    </message>
    <message>
        <source>Run %1 on the demo corpus and show the importance of every weight column</source>
        <translation>%1 auf dem Demokorpus ausführen und die Wichtigkeit jeder Gewichtsspalte anzeigen</translation>
    </message>
    <message>
        <source>Run %1 on a text file you choose and show the importance of every weight column</source>
        <translation>%1 auf einer Textdatei Ihrer Wahl ausführen und die Wichtigkeit jeder Gewichtsspalte anzeigen</translation>
    </message>
    <message>
        <source>Computing the importance… (see the Jobs panel)</source>
        <translation>Die Wichtigkeit wird berechnet… (siehe Aufgabenliste)</translation>
    </message>
    <message>
        <source>Open a model to compute its importance, or open a calibration file with File › Open Analysis….</source>
        <translation>Öffnen Sie ein Modell, um seine Wichtigkeit zu berechnen, oder öffnen Sie eine Kalibrierungsdatei mit Datei › Analyse öffnen….</translation>
    </message>
    <message>
        <source>%1 cannot run in the workbench, so its importance cannot be computed.</source>
        <translation>%1 kann in der Workbench nicht ausgeführt werden, daher lässt sich seine Wichtigkeit nicht berechnen.</translation>
    </message>
    <message>
        <source>No importance for %1 yet.</source>
        <translation>Noch keine Wichtigkeit für %1.</translation>
    </message>
    <message>
        <source>Calibration Text for %1</source>
        <translation>Kalibrierungstext für %1</translation>
    </message>
    <message>
        <source>Text files (*.txt *.md *.jsonl);;All files (*)</source>
        <translation>Textdateien (*.txt *.md *.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Computing the importance of %1…</source>
        <translation>Die Wichtigkeit von %1 wird berechnet…</translation>
    </message>
    <message>
        <source>Importance of %1</source>
        <translation>Wichtigkeit von %1</translation>
    </message>
    <message>
        <source>Computed the importance of %1.</source>
        <translation>Die Wichtigkeit von %1 wurde berechnet.</translation>
    </message>
    <message>
        <source>Compute Importance</source>
        <translation>Wichtigkeit berechnen</translation>
    </message>
    <message>
        <source>Computing the importance of %1 failed: %2</source>
        <translation>Die Berechnung der Wichtigkeit von %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Computing the importance of %1 was cancelled.</source>
        <translation>Die Berechnung der Wichtigkeit von %1 wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>nwc::ImportanceView</name>
    <message>
        <source>&amp;Layer:</source>
        <translation>&amp;Schicht:</translation>
    </message>
    <message>
        <source>&amp;Sorted</source>
        <translation>S&amp;ortiert</translation>
    </message>
    <message>
        <source>Columns by descending importance instead of column order</source>
        <translation>Spalten nach absteigender Wichtigkeit statt in Spaltenreihenfolge</translation>
    </message>
    <message>
        <source>Lo&amp;g scale</source>
        <translation>Lo&amp;garithmisch</translation>
    </message>
    <message>
        <source>Save the shown plot as PNG or PDF, or its data as CSV</source>
        <translation>Das gezeigte Diagramm als PNG oder PDF oder seine Daten als CSV speichern</translation>
    </message>
    <message>
        <source>importance (mean x² per token)</source>
        <translation>Wichtigkeit (mittleres x² je Token)</translation>
    </message>
    <message>
        <source>importance</source>
        <translation>Wichtigkeit</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Spalten</translation>
    </message>
    <message>
        <source>input column</source>
        <translation>Eingabespalte</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>log10 importance</source>
        <translation>log10 Wichtigkeit</translation>
    </message>
    <message>
        <source>log₁₀ importance</source>
        <translation>log₁₀ Wichtigkeit</translation>
    </message>
    <message>
        <source>Importance of every layer&apos;s input columns</source>
        <translation>Wichtigkeit der Eingabespalten jeder Schicht</translation>
    </message>
    <message>
        <source>Heat Map</source>
        <translation>Heatmap</translation>
    </message>
    <message>
        <source>Click a column or a cell to read its values.</source>
        <translation>Klicken Sie auf eine Spalte oder Zelle, um ihre Werte abzulesen.</translation>
    </message>
    <message numerus="yes">
        <source>%n layer(s)</source>
        <translation>
            <numerusform>%n Schicht</numerusform>
            <numerusform>%n Schichten</numerusform>
        </translation>
    </message>
    <message>
        <source>No importance loaded.</source>
        <translation>Keine Wichtigkeit geladen.</translation>
    </message>
    <message>
        <source>%1 (%2 columns)</source>
        <translation>%1 (%2 Spalten)</translation>
    </message>
    <message>
        <source>rank (columns by descending importance)</source>
        <translation>Rang (Spalten nach absteigender Wichtigkeit)</translation>
    </message>
    <message>
        <source>Importance per input column</source>
        <translation>Wichtigkeit je Eingabespalte</translation>
    </message>
    <message>
        <source>No importance data.
Open a calibration file, or a .nwc container compressed with calibration.</source>
        <translation>Keine Wichtigkeitsdaten.
Öffnen Sie eine Kalibrierungsdatei oder einen mit Kalibrierung komprimierten .nwc-Container.</translation>
    </message>
    <message>
        <source>level %1</source>
        <translation>Stufe %1</translation>
    </message>
    <message>
        <source>layer (by decoder block)</source>
        <translation>Schicht (nach Decoder-Block)</translation>
    </message>
    <message>
        <source>%1 · column %2 · importance %3 · level %4</source>
        <translation>%1 · Spalte %2 · Wichtigkeit %3 · Stufe %4</translation>
    </message>
    <message>
        <source>Importance heat map</source>
        <translation>Heatmap der Wichtigkeit</translation>
    </message>
    <message>
        <source>Importance per column</source>
        <translation>Wichtigkeit je Spalte</translation>
    </message>
</context>
<context>
    <name>nwc::JobContext</name>
    <message>
        <source>Out of memory: the job needs more memory than is available.</source>
        <translation>Kein Arbeitsspeicher mehr: Die Aufgabe braucht mehr Speicher, als verfügbar ist.</translation>
    </message>
    <message>
        <source>Unknown error.</source>
        <translation>Unbekannter Fehler.</translation>
    </message>
    <message>
        <source>The job ended without a result.</source>
        <translation>Die Aufgabe endete ohne Ergebnis.</translation>
    </message>
</context>
<context>
    <name>nwc::JobIndicator</name>
    <message>
        <source>Show the Jobs panel</source>
        <translation>Aufgabenliste anzeigen</translation>
    </message>
    <message>
        <source>1 job running</source>
        <translation>1 Aufgabe läuft</translation>
    </message>
    <message>
        <source>%1 jobs running</source>
        <translation>%1 Aufgaben laufen</translation>
    </message>
    <message>
        <source>%1: %2 %</source>
        <translation>%1: %2 %</translation>
    </message>
    <message>
        <source>%1: %2 %, %3 left</source>
        <translation>%1: %2 %, noch %3</translation>
    </message>
</context>
<context>
    <name>nwc::JobInfo</name>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
</context>
<context>
    <name>nwc::JobItemDelegate</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>nwc::JobListModel</name>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Waiting for a free worker</source>
        <translation>Wartet auf einen freien Arbeitsthread</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>%1 failed:
%2</source>
        <translation>%1 ist fehlgeschlagen:
%2</translation>
    </message>
    <message>
        <source>Estimated time left, from the time spent so far and the fraction done</source>
        <translation>Geschätzte Restzeit, aus der bisher benötigten Zeit und dem erledigten Anteil</translation>
    </message>
    <message>
        <source>Stop this job</source>
        <translation>Diese Aufgabe anhalten</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Remaining</source>
        <translation>Rest</translation>
    </message>
</context>
<context>
    <name>nwc::JobsPanel</name>
    <message>
        <source>Cancel All</source>
        <translation>Alle abbrechen</translation>
    </message>
    <message>
        <source>Clear Finished</source>
        <translation>Beendete entfernen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop every running job</source>
        <translation>Alle laufenden Aufgaben anhalten</translation>
    </message>
    <message>
        <source>Remove finished, failed and cancelled jobs from the list</source>
        <translation>Fertige, fehlgeschlagene und abgebrochene Aufgaben aus der Liste entfernen</translation>
    </message>
    <message>
        <source>No jobs yet. Loading models, statistics and generation run here.</source>
        <translation>Noch keine Aufgaben. Das Laden von Modellen, Statistiken und Generierungen laufen hier.</translation>
    </message>
    <message>
        <source>No job running.</source>
        <translation>Keine Aufgabe läuft.</translation>
    </message>
    <message>
        <source>1 job running.</source>
        <translation>1 Aufgabe läuft.</translation>
    </message>
    <message>
        <source>%1 jobs running.</source>
        <translation>%1 Aufgaben laufen.</translation>
    </message>
</context>
<context>
    <name>nwc::MainWindow</name>
    <message>
        <source>%1 B parameters</source>
        <translation>%1 Mrd. Parameter</translation>
    </message>
    <message>
        <source>%1 M parameters</source>
        <translation>%1 Mio. Parameter</translation>
    </message>
    <message>
        <source>%1 k parameters</source>
        <translation>%1 Tsd. Parameter</translation>
    </message>
    <message>
        <source>%1 parameters</source>
        <translation>%1 Parameter</translation>
    </message>
    <message>
        <source>NWC Workbench</source>
        <translation>NWC Workbench</translation>
    </message>
    <message>
        <source>No model open</source>
        <translation>Kein Modell geöffnet</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>E&amp;instellungen…</translation>
    </message>
    <message>
        <source>Choose the language of the interface</source>
        <translation>Die Sprache der Oberfläche wählen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Model Browser</source>
        <translation>Modell-Browser</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Open &amp;Demo Model</source>
        <translation>De&amp;momodell öffnen</translation>
    </message>
    <message>
        <source>&amp;Teacher</source>
        <translation>&amp;Lehrer</translation>
    </message>
    <message>
        <source>&amp;Student</source>
        <translation>&amp;Schüler</translation>
    </message>
    <message>
        <source>Choose Teac&amp;her Model…</source>
        <translation>&amp;Lehrermodell wählen…</translation>
    </message>
    <message>
        <source>The model (file or .nwc) that steers the open model&apos;s first N tokens in the generation pane</source>
        <translation>Das Modell (Datei oder .nwc), das im Generierungsbereich die ersten N Tokens des geöffneten Modells steuert</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Compress</source>
        <translation>&amp;Komprimieren</translation>
    </message>
    <message>
        <source>&amp;Train Codec…</source>
        <translation>Codec &amp;trainieren…</translation>
    </message>
    <message>
        <source>Not part of this build yet: use &apos;nwc train-codec&apos;.</source>
        <translation>Noch nicht Teil dieser Version: Verwenden Sie &apos;nwc train-codec&apos;.</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About NWC Workbench</source>
        <translation>&amp;Über NWC Workbench</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>1 layer</source>
        <translation>1 Schicht</translation>
    </message>
    <message>
        <source>%1 layers</source>
        <translation>%1 Schichten</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 · %4 · %5 tensors</source>
        <translation>%1 · %2 · %3 · %4 · %5 Tensoren</translation>
    </message>
    <message>
        <source>%1 — NWC Workbench</source>
        <translation>%1 — NWC Workbench</translation>
    </message>
    <message>
        <source>&amp;Presentation Mode</source>
        <translation>&amp;Präsentationsmodus</translation>
    </message>
    <message>
        <source>Larger text, lines and markers everywhere, for a projector (F5)</source>
        <translation>Überall größere Schrift, Linien und Markierungen, für einen Beamer (F5)</translation>
    </message>
    <message>
        <source>&amp;Guided Tour…</source>
        <translation>&amp;Geführte Tour…</translation>
    </message>
    <message>
        <source>Walk through the built-in demo step by step: the workbench does each step while a panel explains it</source>
        <translation>Schritt für Schritt durch die eingebaute Demo: Die Workbench führt jeden Schritt aus, während ein Bereich ihn erklärt</translation>
    </message>
</context>
<context>
    <name>nwc::ModelBrowser</name>
    <message>
        <source>Filter tensors (e.g. q_proj, layers.3)</source>
        <translation>Tensoren filtern (z. B. q_proj, layers.3)</translation>
    </message>
    <message>
        <source>Show only tensors whose name contains this text (Ctrl+F)</source>
        <translation>Nur Tensoren zeigen, deren Name diesen Text enthält (Strg+F)</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>DType</source>
        <translation>Datentyp</translation>
    </message>
    <message>
        <source>Elements</source>
        <translation>Elemente</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Min</source>
        <translation>Min.</translation>
    </message>
    <message>
        <source>Max</source>
        <translation>Max.</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <source>Std</source>
        <translation>Std.-Abw.</translation>
    </message>
    <message>
        <source>Select a tensor inside this layer to see its histogram.</source>
        <translation>Wählen Sie einen Tensor in dieser Schicht, um sein Histogramm zu sehen.</translation>
    </message>
    <message>
        <source>computing…</source>
        <translation>berechne…</translation>
    </message>
    <message>
        <source>Computing the histogram of %1…</source>
        <translation>Das Histogramm von %1 wird berechnet…</translation>
    </message>
    <message>
        <source>Statistics of %1</source>
        <translation>Statistik von %1</translation>
    </message>
    <message>
        <source>Reading %1</source>
        <translation>Lese %1</translation>
    </message>
    <message>
        <source>Computing statistics over %L1 values</source>
        <translation>Berechne die Statistik über %L1 Werte</translation>
    </message>
    <message>
        <source>%L1 values</source>
        <translation>%L1 Werte</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>No histogram: the tensor could not be read.</source>
        <translation>Kein Histogramm: Der Tensor konnte nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Statistics were cancelled. Click the tensor to compute them again.</source>
        <translation>Die Statistik wurde abgebrochen. Klicken Sie auf den Tensor, um sie erneut zu berechnen.</translation>
    </message>
    <message>
        <source>No tensor selected</source>
        <translation>Kein Tensor ausgewählt</translation>
    </message>
    <message>
        <source>No model open</source>
        <translation>Kein Modell geöffnet</translation>
    </message>
    <message>
        <source>Select a tensor to see its statistics and histogram.</source>
        <translation>Wählen Sie einen Tensor, um seine Statistik und sein Histogramm zu sehen.</translation>
    </message>
    <message>
        <source>Open a model to browse its tensors.</source>
        <translation>Öffnen Sie ein Modell, um seine Tensoren zu durchsuchen.</translation>
    </message>
    <message>
        <source>1 value is NaN or infinite and was left out.</source>
        <translation>1 Wert ist NaN oder unendlich und wurde ausgelassen.</translation>
    </message>
    <message>
        <source>%L1 values are NaN or infinite and were left out.</source>
        <translation>%L1 Werte sind NaN oder unendlich und wurden ausgelassen.</translation>
    </message>
    <message>
        <source>Two passes over %L1 values</source>
        <translation>Zwei Durchläufe über %L1 Werte</translation>
    </message>
</context>
<context>
    <name>nwc::ModelController</name>
    <message>
        <source>&amp;Open Model Folder…</source>
        <translation>Modell&amp;ordner öffnen…</translation>
    </message>
    <message>
        <source>Open Model &amp;File…</source>
        <translation>Modell&amp;datei öffnen…</translation>
    </message>
    <message>
        <source>Open a Hugging Face model folder (config.json + safetensors)</source>
        <translation>Einen Hugging-Face-Modellordner öffnen (config.json + Safetensors)</translation>
    </message>
    <message>
        <source>Open a .safetensors file, a llama2.c .bin checkpoint or a compressed .nwc model</source>
        <translation>Eine .safetensors-Datei, einen llama2.c-Checkpoint (.bin) oder ein komprimiertes .nwc-Modell öffnen</translation>
    </message>
    <message>
        <source>Open a model first (File › Open Model Folder…, Open Model File… or Open Demo Model).</source>
        <translation>Öffnen Sie zuerst ein Modell (Datei › Modellordner öffnen…, Modelldatei öffnen… oder Demomodell öffnen).</translation>
    </message>
    <message>
        <source>%1 cannot run in the workbench: %2</source>
        <translation>%1 kann in der Workbench nicht ausgeführt werden: %2</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 wird geöffnet…</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>Open Model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <source>%1
Use File › Open Model Folder… or drop a model folder on the window.</source>
        <translation>%1
Verwenden Sie Datei › Modellordner öffnen… oder ziehen Sie einen Modellordner auf das Fenster.</translation>
    </message>
    <message>
        <source>Opening %1 was cancelled.</source>
        <translation>Das Öffnen von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 has no tensor named %2.</source>
        <translation>%1 hat keinen Tensor namens %2.</translation>
    </message>
    <message>
        <source>Opened %1.</source>
        <translation>%1 geöffnet.</translation>
    </message>
    <message>
        <source>Opened %1 for browsing only: %2</source>
        <translation>%1 nur zum Durchsehen geöffnet: %2</translation>
    </message>
    <message>
        <source>%1 is open for browsing and compression only; it cannot generate text: %2</source>
        <translation>%1 ist nur zum Durchsehen und Komprimieren geöffnet; es kann keinen Text generieren: %2</translation>
    </message>
    <message>
        <source>Open Model Folder</source>
        <translation>Modellordner öffnen</translation>
    </message>
    <message>
        <source>Open Model File</source>
        <translation>Modelldatei öffnen</translation>
    </message>
    <message>
        <source>Model files (*.safetensors *.bin *.nwc);;Safetensors (*.safetensors);;Compressed models (*.nwc);;llama2.c checkpoints (*.bin);;All files (*)</source>
        <translation>Modelldateien (*.safetensors *.bin *.nwc);;Safetensors (*.safetensors);;Komprimierte Modelle (*.nwc);;llama2.c-Checkpoints (*.bin);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Open Recent</source>
        <translation>Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>%1 no longer exists; it was removed from the recent models.</source>
        <translation>%1 existiert nicht mehr und wurde aus der Liste der zuletzt geöffneten Modelle entfernt.</translation>
    </message>
    <message>
        <source>No recent models</source>
        <translation>Keine zuletzt geöffneten Modelle</translation>
    </message>
    <message>
        <source>&amp;Clear Menu</source>
        <translation>Menü &amp;leeren</translation>
    </message>
    <message>
        <source>%1 is still loading its weights (see the jobs panel).</source>
        <translation>%1 lädt noch seine Gewichte (siehe die Aufgabenliste).</translation>
    </message>
    <message>
        <source>Loading the weights of %1…</source>
        <translation>Die Gewichte von %1 werden geladen…</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>%1 laden</translation>
    </message>
    <message>
        <source>loading its weights was cancelled; open it again to run it</source>
        <translation>das Laden seiner Gewichte wurde abgebrochen; öffnen Sie es erneut, um es auszuführen</translation>
    </message>
    <message>
        <source>Opened %1; loading its weights…</source>
        <translation>%1 geöffnet; seine Gewichte werden geladen…</translation>
    </message>
</context>
<context>
    <name>nwc::RateDistortionView</name>
    <message>
        <source>&amp;x:</source>
        <translation>&amp;x:</translation>
    </message>
    <message>
        <source>bits per weight</source>
        <translation>Bits pro Gewicht</translation>
    </message>
    <message>
        <source>compressed weights (MB)</source>
        <translation>komprimierte Gewichte (MB)</translation>
    </message>
    <message>
        <source>&amp;y:</source>
        <translation>&amp;y:</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <source>KL mean</source>
        <translation>KL-Mittel</translation>
    </message>
    <message>
        <source>KL p99</source>
        <translation>KL p99</translation>
    </message>
    <message>
        <source>same-top rate</source>
        <translation>Anteil gleicher Top-Tokens</translation>
    </message>
    <message>
        <source>weighted MSE</source>
        <translation>gewichteter MSE</translation>
    </message>
    <message>
        <source>bits per byte</source>
        <translation>Bits pro Byte</translation>
    </message>
    <message>
        <source>Log &amp;x</source>
        <translation>x &amp;logarithmisch</translation>
    </message>
    <message>
        <source>Log &amp;y</source>
        <translation>y l&amp;ogarithmisch</translation>
    </message>
    <message>
        <source>Save the plot as PNG or PDF, or the shown series as CSV</source>
        <translation>Das Diagramm als PNG oder PDF oder die gezeigten Reihen als CSV speichern</translation>
    </message>
    <message>
        <source>%1 at %2 bpw target
%3: %4
%5: %6</source>
        <translation>%1 bei Ziel %2 bpw
%3: %4
%5: %6</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>Modell: %1</translation>
    </message>
    <message>
        <source>text: %1, context %2, stride %3, %4</source>
        <translation>Text: %1, Kontext %2, Schrittweite %3, %4</translation>
    </message>
    <message>
        <source>first %1 bytes</source>
        <translation>erste %1 Bytes</translation>
    </message>
    <message>
        <source>whole file</source>
        <translation>ganze Datei</translation>
    </message>
    <message>
        <source>FP16: perplexity %1, %2 bits/byte, %3 MB, %4 tokens scored</source>
        <translation>FP16: Perplexität %1, %2 Bits/Byte, %3 MB, %4 Tokens bewertet</translation>
    </message>
    <message>
        <source>No sweep loaded.</source>
        <translation>Keine Messreihe geladen.</translation>
    </message>
    <message>
        <source>KL divergence, mean (nats)</source>
        <translation>KL-Divergenz, Mittel (nats)</translation>
    </message>
    <message>
        <source>KL divergence, 99th percentile (nats)</source>
        <translation>KL-Divergenz, 99. Perzentil (nats)</translation>
    </message>
    <message>
        <source>same top-1 token (fraction)</source>
        <translation>gleiches Top-1-Token (Anteil)</translation>
    </message>
    <message>
        <source>importance-weighted MSE (relative)</source>
        <translation>wichtigkeitsgewichteter MSE (relativ)</translation>
    </message>
    <message>
        <source>No sweep results yet.
Run Compress › Rate–Distortion Sweep…, or open a sweep session.</source>
        <translation>Noch keine Messergebnisse.
Starten Sie Komprimieren › Rate–Distortion-Messreihe… oder öffnen Sie eine Messreihe.</translation>
    </message>
    <message>
        <source>No point of this sweep can be drawn with these axes.</source>
        <translation>Kein Punkt dieser Messreihe lässt sich mit diesen Achsen zeichnen.</translation>
    </message>
    <message>
        <source>FP16: %1</source>
        <translation>FP16: %1</translation>
    </message>
    <message>
        <source>FP16</source>
        <translation>FP16</translation>
    </message>
    <message>
        <source>FP16 size</source>
        <translation>FP16-Größe</translation>
    </message>
    <message>
        <source>Click a point or a table row to see its numbers.</source>
        <translation>Klicken Sie auf einen Punkt oder eine Tabellenzeile, um seine Zahlen zu sehen.</translation>
    </message>
    <message>
        <source> (%1× FP16)</source>
        <translation> (%1× FP16)</translation>
    </message>
    <message>
        <source>%1 at %2 bpw target: %3 bpw, %4 bytes counted, file %5 MB, %6 s</source>
        <translation>%1 bei Ziel %2 bpw: %3 bpw, %4 Bytes gezählt, Datei %5 MB, %6 s</translation>
    </message>
    <message>
        <source>, container %1</source>
        <translation>, Container %1</translation>
    </message>
    <message>
        <source>perplexity %1%2 · %3 bits/byte · KL mean %4 nats · KL p99 %5 nats · same top %6 % · weighted MSE %7</source>
        <translation>Perplexität %1%2 · %3 Bits/Byte · KL-Mittel %4 nats · KL p99 %5 nats · gleiches Top %6 % · gewichteter MSE %7</translation>
    </message>
    <message>
        <source>Rate–distortion: %1 against %2</source>
        <translation>Rate–Distortion: %1 über %2</translation>
    </message>
</context>
<context>
    <name>nwc::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>The language of menus, dialogs and plots. The system default follows the language of your desktop session.</source>
        <translation>Die Sprache von Menüs, Dialogen und Diagrammen. Der Systemstandard folgt der Sprache Ihrer Desktopsitzung.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>A new language applies the next time NWC Workbench starts.</source>
        <translation>Eine neue Sprache gilt ab dem nächsten Start der NWC Workbench.</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Where models are loaded and compression, sweeps and importance compute.</source>
        <translation>Wo Modelle geladen und Kompression, Messreihen und Wichtigkeit berechnet werden.</translation>
    </message>
    <message>
        <source>A new device applies to the models opened and the jobs started afterwards.</source>
        <translation>Ein neues Gerät gilt für die danach geöffneten Modelle und gestarteten Aufgaben.</translation>
    </message>
    <message>
        <source>Compute &amp;device:</source>
        <translation>Rechen&amp;gerät:</translation>
    </message>
</context>
<context>
    <name>nwc::SweepController</name>
    <message>
        <source>Rate–Distortion &amp;Sweep…</source>
        <translation>Rate–Distortion-&amp;Messreihe…</translation>
    </message>
    <message>
        <source>1 point</source>
        <translation>1 Punkt</translation>
    </message>
    <message>
        <source>%1 points</source>
        <translation>%1 Punkte</translation>
    </message>
    <message>
        <source>A sweep is running: wait for it, or cancel it in the Jobs panel (its finished points are kept).</source>
        <translation>Eine Messreihe läuft: Warten Sie auf sie oder brechen Sie sie in der Aufgabenliste ab (ihre fertigen Punkte bleiben erhalten).</translation>
    </message>
    <message>
        <source>Compress %1 with several methods at several bit rates and plot size against perplexity and KL divergence</source>
        <translation>%1 mit mehreren Verfahren bei mehreren Bitraten komprimieren und die Größe gegen Perplexität und KL-Divergenz auftragen</translation>
    </message>
    <message>
        <source>Sweeping %1 into %2…</source>
        <translation>Messreihe von %1 nach %2…</translation>
    </message>
    <message>
        <source>Sweep %1 (%2)</source>
        <translation>Messreihe %1 (%2)</translation>
    </message>
    <message>
        <source>Sweep finished: %1 in %2.</source>
        <translation>Messreihe fertig: %1 in %2.</translation>
    </message>
    <message>
        <source>Skipped %1 the methods cannot reach: %2</source>
        <translation>%1 übersprungen, die die Verfahren nicht erreichen: %2</translation>
    </message>
    <message>
        <source>Rate–Distortion Sweep</source>
        <translation>Rate–Distortion-Messreihe</translation>
    </message>
    <message>
        <source>The sweep failed: %1

The points measured before are kept in %2; the same sweep started again resumes from there.</source>
        <translation>Die Messreihe ist fehlgeschlagen: %1

Die zuvor gemessenen Punkte bleiben in %2 erhalten; dieselbe Messreihe setzt beim erneuten Start dort fort.</translation>
    </message>
    <message>
        <source>Sweep cancelled: the finished points (%1) are kept in %2; start the same sweep again to resume.</source>
        <translation>Messreihe abgebrochen: Die fertigen Punkte (%1) bleiben in %2 erhalten; starten Sie dieselbe Messreihe erneut, um fortzufahren.</translation>
    </message>
    <message>
        <source>Open %1</source>
        <translation>%1 öffnen</translation>
    </message>
    <message>
        <source>Open the compressed model of %1 (%2)</source>
        <translation>Das komprimierte Modell von %1 öffnen (%2)</translation>
    </message>
    <message>
        <source>%1 kept its container: click “Open %2” to open it.</source>
        <translation>%1 hat seinen Container behalten: Klicken Sie auf „%2 öffnen“, um ihn zu öffnen.</translation>
    </message>
</context>
<context>
    <name>nwc::SweepDialog</name>
    <message>
        <source>Keep each point&apos;s .nwc container</source>
        <translation>Den .nwc-Container jedes Punkts behalten</translation>
    </message>
    <message>
        <source>Rate–Distortion Sweep of %1</source>
        <translation>Rate–Distortion-Messreihe von %1</translation>
    </message>
    <message>
        <source>Target bits per weight, separated by commas. NWC reaches any rate its codecs cover; RTN and GPTQ take whole code widths 2–8 (other rates are skipped for them with a note).</source>
        <translation>Ziel-Bits pro Gewicht, durch Kommas getrennt. NWC erreicht jede Rate, die seine Codecs abdecken; RTN und GPTQ nehmen ganze Codebreiten 2–8 (andere Raten werden für sie mit einem Hinweis übersprungen).</translation>
    </message>
    <message>
        <source>NWC with the learned codec ladder, no error compensation</source>
        <translation>NWC mit der gelernten Codec-Leiter, ohne Fehlerkompensation</translation>
    </message>
    <message>
        <source>NWC with LDLQ: each coded column block&apos;s error is fed onto the later columns</source>
        <translation>NWC mit LDLQ: Der Fehler jedes kodierten Spaltenblocks wird auf die späteren Spalten übertragen</translation>
    </message>
    <message>
        <source>NWC with block-wise fine-tuning after each decoder block (takes much longer)</source>
        <translation>NWC mit blockweiser Feinabstimmung nach jedem Decoder-Block (dauert viel länger)</translation>
    </message>
    <message>
        <source>NWC with LDLQ and fine-tuning (takes much longer)</source>
        <translation>NWC mit LDLQ und Feinabstimmung (dauert viel länger)</translation>
    </message>
    <message>
        <source>Round to nearest, whole bits 2–8, no calibration</source>
        <translation>Runden auf den nächsten Wert, ganze Bits 2–8, ohne Kalibrierung</translation>
    </message>
    <message>
        <source>GPTQ: error-compensated rounding, whole bits 2–8</source>
        <translation>GPTQ: fehlerkompensiertes Runden, ganze Bits 2–8</translation>
    </message>
    <message>
        <source>heldout.txt (built-in demo held-out text)</source>
        <translation>heldout.txt (eingebauter zurückgehaltener Demotext)</translation>
    </message>
    <message>
        <source>a UTF-8 text file (required)</source>
        <translation>eine UTF-8-Textdatei (erforderlich)</translation>
    </message>
    <message>
        <source>Perplexity and the KL divergence from the original model are measured on this text</source>
        <translation>Perplexität und KL-Divergenz zum Originalmodell werden auf diesem Text gemessen</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> Tokens</translation>
    </message>
    <message>
        <source>Window length; cut to the model&apos;s positions</source>
        <translation>Fensterlänge; auf die Positionen des Modells begrenzt</translation>
    </message>
    <message>
        <source>non-overlapping</source>
        <translation>nicht überlappend</translation>
    </message>
    <message>
        <source>Tokens between window starts (0: non-overlapping windows)</source>
        <translation>Tokens zwischen Fensteranfängen (0: nicht überlappende Fenster)</translation>
    </message>
    <message>
        <source>the whole text</source>
        <translation>der ganze Text</translation>
    </message>
    <message>
        <source> bytes</source>
        <translation> Bytes</translation>
    </message>
    <message>
        <source>Score only the first bytes of the text (faster, noisier)</source>
        <translation>Nur die ersten Bytes des Texts bewerten (schneller, ungenauer)</translation>
    </message>
    <message>
        <source>context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <source>stride</source>
        <translation>Schrittweite</translation>
    </message>
    <message>
        <source>first</source>
        <translation>erste</translation>
    </message>
    <message>
        <source>demo corpus (demo models only)</source>
        <translation>Demokorpus (nur Demomodelle)</translation>
    </message>
    <message>
        <source>a UTF-8 text file (needed except for RTN)</source>
        <translation>eine UTF-8-Textdatei (außer für RTN nötig)</translation>
    </message>
    <message>
        <source>Text whose activations rank the weight columns (NWC), drive the compensation and GPTQ, and weight the MSE</source>
        <translation>Text, dessen Aktivierungen die Gewichtsspalten ordnen (NWC), die Kompensation und GPTQ steuern und den MSE gewichten</translation>
    </message>
    <message>
        <source> windows</source>
        <translation> Fenster</translation>
    </message>
    <message>
        <source>Weights sharing one scale and zero point in RTN and GPTQ</source>
        <translation>Gewichte, die sich in RTN und GPTQ eine Skala und einen Nullpunkt teilen</translation>
    </message>
    <message>
        <source>of</source>
        <translation>zu je</translation>
    </message>
    <message>
        <source>RTN/GPTQ group size</source>
        <translation>RTN/GPTQ-Gruppengröße</translation>
    </message>
    <message>
        <source>HDF5 file that keeps every measured point</source>
        <translation>HDF5-Datei, die jeden gemessenen Punkt aufbewahrt</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>Speichern unter…</translation>
    </message>
    <message>
        <source>An existing session with the same settings is resumed: only the points it lacks are measured. A session made with another model, text, windows or calibration is refused.</source>
        <translation>Eine vorhandene Messreihe mit denselben Einstellungen wird fortgesetzt: Nur die fehlenden Punkte werden gemessen. Eine Messreihe mit anderem Modell, Text, anderen Fenstern oder anderer Kalibrierung wird abgelehnt.</translation>
    </message>
    <message>
        <source>Keep the compressed model of every point in a folder next to the session file, so a point can be opened from the Rate–Distortion view</source>
        <translation>Das komprimierte Modell jedes Punkts in einem Ordner neben der Messreihendatei behalten, damit sich ein Punkt aus der Rate–Distortion-Ansicht öffnen lässt</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <source>&amp;Bit rates:</source>
        <translation>&amp;Bitraten:</translation>
    </message>
    <message>
        <source>Methods:</source>
        <translation>Verfahren:</translation>
    </message>
    <message>
        <source>&amp;Evaluation text:</source>
        <translation>&amp;Evaluierungstext:</translation>
    </message>
    <message>
        <source>Windows:</source>
        <translation>Fenster:</translation>
    </message>
    <message>
        <source>&amp;Calibration text:</source>
        <translation>&amp;Kalibrierungstext:</translation>
    </message>
    <message>
        <source>Calibration:</source>
        <translation>Kalibrierung:</translation>
    </message>
    <message>
        <source>&amp;Session file:</source>
        <translation>&amp;Messreihendatei:</translation>
    </message>
    <message>
        <source>Start Sweep</source>
        <translation>Messreihe starten</translation>
    </message>
    <message>
        <source>HDF5 file that keeps every measured point: %1</source>
        <translation>HDF5-Datei, die jeden gemessenen Punkt aufbewahrt: %1</translation>
    </message>
    <message>
        <source>Choose Evaluation Text</source>
        <translation>Evaluierungstext wählen</translation>
    </message>
    <message>
        <source>Choose Calibration Text</source>
        <translation>Kalibrierungstext wählen</translation>
    </message>
    <message>
        <source>Bit rates: &apos;%1&apos; is not a number. Write the rates separated by commas, for example 2,3,4.</source>
        <translation>Bitraten: &apos;%1&apos; ist keine Zahl. Schreiben Sie die Raten durch Kommas getrennt, zum Beispiel 2,3,4.</translation>
    </message>
    <message>
        <source>Bit rates: %1 is out of range; rates lie above 0 and at most %2 bits per weight.</source>
        <translation>Bitraten: %1 liegt außerhalb des Bereichs; Raten liegen über 0 und bei höchstens %2 Bits pro Gewicht.</translation>
    </message>
    <message>
        <source>Enter at least one bit rate, for example 2,3,4.</source>
        <translation>Geben Sie mindestens eine Bitrate ein, zum Beispiel 2,3,4.</translation>
    </message>
    <message>
        <source>Text files (*.txt *.md *.jsonl);;All files (*)</source>
        <translation>Textdateien (*.txt *.md *.jsonl);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Sweep Session File</source>
        <translation>Messreihendatei</translation>
    </message>
    <message>
        <source>Sweep sessions (*.h5)</source>
        <translation>Messreihen (*.h5)</translation>
    </message>
    <message>
        <source>Window length, at most the model&apos;s %1 positions</source>
        <translation>Fensterlänge, höchstens die %1 Positionen des Modells</translation>
    </message>
    <message>
        <source>Choose at least one method.</source>
        <translation>Wählen Sie mindestens ein Verfahren.</translation>
    </message>
    <message>
        <source>The demo held-out text was not found: choose an evaluation text.</source>
        <translation>Der zurückgehaltene Demotext wurde nicht gefunden: Wählen Sie einen Evaluierungstext.</translation>
    </message>
    <message>
        <source>Choose an evaluation text (a UTF-8 text file): perplexity and KL divergence are measured on it.</source>
        <translation>Wählen Sie einen Evaluierungstext (eine UTF-8-Textdatei): Perplexität und KL-Divergenz werden darauf gemessen.</translation>
    </message>
    <message>
        <source>The evaluation text %1 does not exist.</source>
        <translation>Der Evaluierungstext %1 existiert nicht.</translation>
    </message>
    <message>
        <source>The stride must be shorter than the context (or 0 for non-overlapping windows).</source>
        <translation>Die Schrittweite muss kürzer als der Kontext sein (oder 0 für nicht überlappende Fenster).</translation>
    </message>
    <message>
        <source>%1 is not a demo model: methods other than RTN need a calibration text. Choose one, or sweep RTN only.</source>
        <translation>%1 ist kein Demomodell: Andere Verfahren als RTN brauchen einen Kalibrierungstext. Wählen Sie einen, oder messen Sie nur RTN.</translation>
    </message>
    <message>
        <source>The calibration text %1 does not exist.</source>
        <translation>Der Kalibrierungstext %1 existiert nicht.</translation>
    </message>
    <message>
        <source>Choose a session file.</source>
        <translation>Wählen Sie eine Messreihendatei.</translation>
    </message>
    <message>
        <source>%1 is a folder: choose a file name.</source>
        <translation>%1 ist ein Ordner: Wählen Sie einen Dateinamen.</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Der Ordner %1 existiert nicht.</translation>
    </message>
    <message>
        <source>%1 exists: its points are kept and only the missing ones are measured.</source>
        <translation>%1 existiert: Seine Punkte bleiben erhalten, und nur die fehlenden werden gemessen.</translation>
    </message>
</context>
<context>
    <name>nwc::SweepPointTableModel</name>
    <message>
        <source>Container: %1</source>
        <translation>Container-Datei: %1</translation>
    </message>
    <message>
        <source>method</source>
        <translation>Verfahren</translation>
    </message>
    <message>
        <source>target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>bpw</source>
        <translation>bpw</translation>
    </message>
    <message>
        <source>MB</source>
        <translation>MB</translation>
    </message>
    <message>
        <source>weighted MSE</source>
        <translation>gewichteter MSE</translation>
    </message>
    <message>
        <source>ppl</source>
        <translation>ppl</translation>
    </message>
    <message>
        <source>×FP16</source>
        <translation>×FP16</translation>
    </message>
    <message>
        <source>bpb</source>
        <translation>bpb</translation>
    </message>
    <message>
        <source>KL mean</source>
        <translation>KL-Mittel</translation>
    </message>
    <message>
        <source>KL p99</source>
        <translation>KL p99</translation>
    </message>
    <message>
        <source>same top</source>
        <translation>gleiches Top</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>Compression method (nwc+ldlq, nwc+finetune, nwc+comp: with error compensation)</source>
        <translation>Kompressionsverfahren (nwc+ldlq, nwc+finetune, nwc+comp: mit Fehlerkompensation)</translation>
    </message>
    <message>
        <source>Target bits per weight</source>
        <translation>Ziel-Bits pro Gewicht</translation>
    </message>
    <message>
        <source>Achieved bits per compressed weight, side information included</source>
        <translation>Erreichte Bits pro komprimiertem Gewicht, Nebeninformationen eingeschlossen</translation>
    </message>
    <message>
        <source>Size of the .nwc file in megabytes (10⁶ bytes)</source>
        <translation>Größe der .nwc-Datei in Megabyte (10⁶ Bytes)</translation>
    </message>
    <message>
        <source>Importance-weighted squared error of the decoded weights, relative to the weights&apos; own weighted energy</source>
        <translation>Wichtigkeitsgewichteter quadratischer Fehler der dekodierten Gewichte, relativ zur gewichteten Energie der Gewichte selbst</translation>
    </message>
    <message>
        <source>Perplexity on the evaluation text</source>
        <translation>Perplexität auf dem Evaluierungstext</translation>
    </message>
    <message>
        <source>Perplexity relative to the uncompressed model&apos;s</source>
        <translation>Perplexität relativ zu der des unkomprimierten Modells</translation>
    </message>
    <message>
        <source>Bits per byte of evaluation text</source>
        <translation>Bits pro Byte des Evaluierungstexts</translation>
    </message>
    <message>
        <source>Mean KL divergence from the original model&apos;s next-token distribution, nats</source>
        <translation>Mittlere KL-Divergenz zur Verteilung des nächsten Tokens des Originalmodells, nats</translation>
    </message>
    <message>
        <source>99th percentile of that KL divergence, nats</source>
        <translation>99. Perzentil dieser KL-Divergenz, nats</translation>
    </message>
    <message>
        <source>Share of positions whose most likely next token is the original model&apos;s</source>
        <translation>Anteil der Positionen, deren wahrscheinlichstes nächstes Token dem des Originalmodells entspricht</translation>
    </message>
    <message>
        <source>Wall time of compression and evaluation</source>
        <translation>Gesamtdauer von Kompression und Evaluierung</translation>
    </message>
</context>
<context>
    <name>nwc::TensorTreeModel</name>
    <message>
        <source>1 tensor</source>
        <translation>1 Tensor</translation>
    </message>
    <message>
        <source>%1 tensors</source>
        <translation>%1 Tensoren</translation>
    </message>
    <message>
        <source>mixed</source>
        <translation>gemischt</translation>
    </message>
    <message>
        <source>%1
%2, %3 parameters, %4</source>
        <translation>%1
%2, %3 Parameter, %4</translation>
    </message>
    <message>
        <source>%1
%2 %3, %4 elements, %5 bytes</source>
        <translation>%1
%2 %3, %4 Elemente, %5 Bytes</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Tensorname</translation>
    </message>
    <message>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>DType</source>
        <translation>Datentyp</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
</context>
<context>
    <name>nwc::TokenStreamView</name>
    <message>
        <source>student (gate closed: α_eff = 0)</source>
        <translation>Schüler (Schwelle geschlossen: α_eff = 0)</translation>
    </message>
    <message>
        <source>student</source>
        <translation>Schüler</translation>
    </message>
    <message>
        <source>teacher-steered</source>
        <translation>vom Lehrer gesteuert</translation>
    </message>
    <message>
        <source>student (after the first N tokens)</source>
        <translation>Schüler (nach den ersten N Tokens)</translation>
    </message>
    <message>
        <source>teacher alone</source>
        <translation>Lehrer allein</translation>
    </message>
    <message>
        <source>token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Decided by: %1</source>
        <translation>Entschieden von: %1</translation>
    </message>
    <message>
        <source>Flipped: the student alone would have chosen %1</source>
        <translation>Umgeschlagen: Der Schüler allein hätte %1 gewählt</translation>
    </message>
    <message>
        <source>top-5 p_s</source>
        <translation>Top-5 p_s</translation>
    </message>
    <message>
        <source>top-5 p_t</source>
        <translation>Top-5 p_t</translation>
    </message>
    <message>
        <source>top-5 S</source>
        <translation>Top-5 S</translation>
    </message>
    <message>
        <source>H(p_s) = %1 nats</source>
        <translation>H(p_s) = %1 nats</translation>
    </message>
    <message>
        <source>H(p_t) = %1 nats</source>
        <translation>H(p_t) = %1 nats</translation>
    </message>
    <message>
        <source>KL(p_t ‖ p_s) = %1 nats</source>
        <translation>KL(p_t ‖ p_s) = %1 nats</translation>
    </message>
    <message>
        <source>α_eff = %1</source>
        <translation>α_eff = %1</translation>
    </message>
    <message>
        <source>Chosen by the student alone</source>
        <translation>Vom Schüler allein gewählt</translation>
    </message>
    <message>
        <source>One of the first N tokens, chosen by argmax S = p_s + α (p_t − p_s) and equal to the student&apos;s own choice</source>
        <translation>Eines der ersten N Tokens, gewählt per argmax S = p_s + α (p_t − p_s) und gleich der eigenen Wahl des Schülers</translation>
    </message>
    <message>
        <source>flipped</source>
        <translation>umgeschlagen</translation>
    </message>
    <message>
        <source>Steering changed the student&apos;s choice: argmax S differs from argmax p_s</source>
        <translation>Die Steuerung hat die Wahl des Schülers geändert: argmax S weicht von argmax p_s ab</translation>
    </message>
    <message>
        <source>Hover a token for p_s, p_t and S; the strip under each column is H(p_s) per token.</source>
        <translation>Zeigen Sie auf ein Token, um p_s, p_t und S zu sehen; der Streifen unter jeder Spalte ist H(p_s) je Token.</translation>
    </message>
</context>
<context>
    <name>nwc::TourPanel</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the running step (its job is cancelled)</source>
        <translation>Den laufenden Schritt anhalten (seine Aufgabe wird abgebrochen)</translation>
    </message>
    <message>
        <source>◀ &amp;Back</source>
        <translation>◀ &amp;Zurück</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>End the tour (a running step is cancelled)</source>
        <translation>Die Tour beenden (ein laufender Schritt wird abgebrochen)</translation>
    </message>
    <message>
        <source>Guided Tour</source>
        <translation>Geführte Tour</translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>Schritt %1 von %2</translation>
    </message>
    <message>
        <source>▶ %1 again</source>
        <translation>▶ %1 (noch einmal)</translation>
    </message>
    <message>
        <source>▶ %1</source>
        <translation>▶ %1</translation>
    </message>
    <message>
        <source>Press the button to let the workbench do this step.</source>
        <translation>Drücken Sie den Knopf, damit die Workbench diesen Schritt ausführt.</translation>
    </message>
    <message>
        <source>Running: %1</source>
        <translation>Läuft: %1</translation>
    </message>
    <message>
        <source>&lt;span style=&quot;color:#2a7a2a&quot;&gt;Done.&lt;/span&gt;</source>
        <translation>&lt;span style=&quot;color:#2a7a2a&quot;&gt;Fertig.&lt;/span&gt;</translation>
    </message>
    <message>
        <source>&lt;span style=&quot;color:#b03020&quot;&gt;&lt;b&gt;Failed:&lt;/b&gt; %1&lt;/span&gt;</source>
        <translation>&lt;span style=&quot;color:#b03020&quot;&gt;&lt;b&gt;Fehlgeschlagen:&lt;/b&gt; %1&lt;/span&gt;</translation>
    </message>
    <message>
        <source>Cancelled. Run the step again when you are ready.</source>
        <translation>Abgebrochen. Führen Sie den Schritt erneut aus, wenn Sie bereit sind.</translation>
    </message>
    <message>
        <source>&amp;Finish</source>
        <translation>&amp;Fertig</translation>
    </message>
    <message>
        <source>&amp;Next ▶</source>
        <translation>&amp;Weiter ▶</translation>
    </message>
    <message>
        <source>Run this step first: the next one builds on what it shows.</source>
        <translation>Führen Sie zuerst diesen Schritt aus: Der nächste baut auf dem auf, was er zeigt.</translation>
    </message>
    <message>
        <source>Let the workbench do this step (Page Down)</source>
        <translation>Die Workbench diesen Schritt ausführen lassen (Bild ab)</translation>
    </message>
    <message>
        <source>The previous step; what it showed is kept (Page Up)</source>
        <translation>Der vorige Schritt; was er gezeigt hat, bleibt erhalten (Bild auf)</translation>
    </message>
    <message>
        <source>End the tour</source>
        <translation>Die Tour beenden</translation>
    </message>
    <message>
        <source>The next step (Page Down)</source>
        <translation>Der nächste Schritt (Bild ab)</translation>
    </message>
</context>
<context>
    <name>nwc::TourResults</name>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 parameters in %3 tensors; the %4 matrices inside the layers hold %5 of them (%6 %).</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2 Parameter in %3 Tensoren; die %4 Matrizen in den Schichten enthalten %5 davon (%6 %).</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: %2 values, mean %3, standard deviation %4, from %5 to %6. The largest weight lies %7 standard deviations from the mean; among as many values drawn from a Gaussian the largest would lie about %8 out.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;: %2 Werte, Mittelwert %3, Standardabweichung %4, von %5 bis %6. Das größte Gewicht liegt %7 Standardabweichungen vom Mittelwert entfernt; unter ebenso vielen gaußverteilten Werten läge das größte etwa %8 entfernt.</translation>
    </message>
    <message>
        <source>Importance of %1 matrices. In &lt;b&gt;%2&lt;/b&gt; the strongest input column carries %3× the signal of the median column.</source>
        <translation>Wichtigkeit von %1 Matrizen. In &lt;b&gt;%2&lt;/b&gt; trägt die stärkste Eingabespalte das %3-Fache des Signals der Median-Spalte.</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>Ziel %1</translation>
    </message>
    <message>
        <source>bits per weight</source>
        <translation>Bits pro Gewicht</translation>
    </message>
    <message>
        <source>matrix bytes</source>
        <translation>Matrix-Bytes</translation>
    </message>
    <message>
        <source>.nwc file</source>
        <translation>.nwc-Datei</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>Perplexität</translation>
    </message>
    <message>
        <source>mean KL (nats)</source>
        <translation>mittlere KL (nats)</translation>
    </message>
    <message>
        <source>same top token</source>
        <translation>gleiches Top-Token</translation>
    </message>
    <message>
        <source>details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>&lt;p&gt;Original: %1 weights at %2 bits = %3 bytes, perplexity %4. Perplexity and KL are measured on %5 tokens of the demo held-out text.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Original: %1 Gewichte zu %2 Bit = %3 Bytes, Perplexität %4. Perplexität und KL sind auf %5 Tokens des zurückgehaltenen Demo-Texts gemessen.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>method</source>
        <translation>Verfahren</translation>
    </message>
    <message>
        <source>bpw</source>
        <translation>bpw</translation>
    </message>
    <message>
        <source>mean KL</source>
        <translation>mittlere KL</translation>
    </message>
    <message>
        <source>&lt;p&gt;RTN&apos;s scales cost it %1 bits per weight on top of its codes.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Die Skalen von RTN kosten zusätzlich zu seinen Codes %1 Bits pro Gewicht.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Original perplexity %1 on the same %2 tokens.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Perplexität des Originals %1 auf denselben %2 Tokens.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;i&gt;%1&lt;/i&gt;&lt;br&gt;Reference answer: &lt;b&gt;%2&lt;/b&gt;. The teacher steers the first %3 tokens.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;i&gt;%1&lt;/i&gt;&lt;br&gt;Richtige Antwort: &lt;b&gt;%2&lt;/b&gt;. Der Lehrer steuert die ersten %3 Tokens.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>answer</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>flipped</source>
        <translation>umgeschlagen</translation>
    </message>
    <message>
        <source>student alone</source>
        <translation>Schüler allein</translation>
    </message>
    <message>
        <source>α = %1</source>
        <translation>α = %1</translation>
    </message>
    <message>
        <source>Token %1: the student would write %2 (p&lt;sub&gt;s&lt;/sub&gt; %3, p&lt;sub&gt;t&lt;/sub&gt; %4, S %5); S chose %6 (p&lt;sub&gt;s&lt;/sub&gt; %7, p&lt;sub&gt;t&lt;/sub&gt; %8, S %9).</source>
        <translation>Token %1: Der Schüler würde %2 schreiben (p&lt;sub&gt;s&lt;/sub&gt; %3, p&lt;sub&gt;t&lt;/sub&gt; %4, S %5); S wählte %6 (p&lt;sub&gt;s&lt;/sub&gt; %7, p&lt;sub&gt;t&lt;/sub&gt; %8, S %9).</translation>
    </message>
</context>
<context>
    <name>nwc::TourScript</name>
    <message>
        <source>A guided tour of the workbench</source>
        <translation>Eine geführte Tour durch die Workbench</translation>
    </message>
    <message>
        <source>This tour runs the real workbench on its built-in demo: two small Llama-style models trained by this project, &lt;i&gt;demo:teacher&lt;/i&gt; (%1 M parameters) and &lt;i&gt;demo:student&lt;/i&gt; (%2 M). Each step says what you are about to see; its button makes the workbench do it with the same commands as the menus. Long steps run as jobs, which you can follow in the Jobs panel and cancel.</source>
        <translation>Diese Tour führt die echte Workbench mit ihrer eingebauten Demo vor: zwei kleine Modelle im Llama-Stil, die dieses Projekt trainiert hat, &lt;i&gt;demo:teacher&lt;/i&gt; (%1 Mio. Parameter) und &lt;i&gt;demo:student&lt;/i&gt; (%2 Mio.). Jeder Schritt sagt, was Sie gleich sehen; sein Knopf lässt die Workbench ihn mit denselben Befehlen wie die Menüs ausführen. Lange Schritte laufen als Aufgaben, die Sie in der Aufgabenliste verfolgen und abbrechen können.</translation>
    </message>
    <message>
        <source>Open a model</source>
        <translation>Ein Modell öffnen</translation>
    </message>
    <message>
        <source>A language model is a set of named weight tensors. Opening demo:teacher lists them in the Model Browser: the token embeddings and, in each of the %1 layers, the attention matrices (q, k, v, o) and the MLP matrices (gate, up, down). These matrices hold almost all of the parameters, so they are what compression works on.</source>
        <translation>Ein Sprachmodell ist eine Menge benannter Gewichtstensoren. Das Öffnen von demo:teacher listet sie im Modell-Browser auf: die Token-Embeddings und in jeder der %1 Schichten die Attention-Matrizen (q, k, v, o) und die MLP-Matrizen (gate, up, down). Diese Matrizen enthalten fast alle Parameter, daher setzt die Kompression bei ihnen an.</translation>
    </message>
    <message>
        <source>Open demo:teacher</source>
        <translation>demo:teacher öffnen</translation>
    </message>
    <message>
        <source>A weight matrix and its histogram</source>
        <translation>Eine Gewichtsmatrix und ihr Histogramm</translation>
    </message>
    <message>
        <source>This is the last layer&apos;s MLP down projection, with the counts on a logarithmic axis. Its values pile up around zero in a bell shape, but the tails reach further out than a Gaussian&apos;s. A quantizer must spend its levels where most values are, yet these rare large weights do the most damage when they are rounded badly.</source>
        <translation>Das ist die MLP-Abwärtsprojektion der letzten Schicht, mit den Häufigkeiten auf einer logarithmischen Achse. Ihre Werte häufen sich glockenförmig um null, doch die Ränder reichen weiter hinaus als bei einer Gaußverteilung. Ein Quantisierer muss seine Stufen dort setzen, wo die meisten Werte liegen – gerade diese seltenen großen Gewichte richten aber den größten Schaden an, wenn sie schlecht gerundet werden.</translation>
    </message>
    <message>
        <source>Show the histogram</source>
        <translation>Histogramm zeigen</translation>
    </message>
    <message>
        <source>Which weights matter: importance</source>
        <translation>Welche Gewichte zählen: Wichtigkeit</translation>
    </message>
    <message>
        <source>Not every input of a layer matters equally. The workbench runs the teacher on calibration text (%1 windows of %2 tokens of the demo corpus) and measures how much signal enters each input column of each matrix: the mean x² per token. In the heat map a few bright columns carry far more signal than the rest; NWC codes those columns at a higher quality level.</source>
        <translation>Nicht jeder Eingang einer Schicht ist gleich wichtig. Die Workbench führt den Lehrer auf Kalibrierungstext aus (%1 Fenster zu %2 Tokens aus dem Demokorpus) und misst, wie viel Signal in jede Eingabespalte jeder Matrix fließt: das mittlere x² je Token. In der Heatmap tragen einige helle Spalten weit mehr Signal als der Rest; NWC kodiert diese Spalten mit einer höheren Qualitätsstufe.</translation>
    </message>
    <message>
        <source>Compute importance</source>
        <translation>Wichtigkeit berechnen</translation>
    </message>
    <message>
        <source>Compress at %1 and at %2 bits per weight</source>
        <translation>Mit %1 und mit %2 Bits pro Gewicht komprimieren</translation>
    </message>
    <message>
        <source>Now the teacher&apos;s matrices are compressed by the neural codec (NWC), once to %1 and once to %2 bits per weight, from %3. Each run writes a real .nwc file and then measures both models on held-out text. Bits per weight are counted from the bytes written; KL divergence says how far the compressed model&apos;s next-token probabilities moved from the original&apos;s.</source>
        <translation>Jetzt werden die Matrizen des Lehrers vom neuronalen Codec (NWC) komprimiert, einmal auf %1 und einmal auf %2 Bits pro Gewicht, ausgehend von %3. Jeder Lauf schreibt eine echte .nwc-Datei und misst dann beide Modelle auf zurückgehaltenem Text. Die Bits pro Gewicht werden aus den geschriebenen Bytes gezählt; die KL-Divergenz gibt an, wie weit sich die Wahrscheinlichkeiten des komprimierten Modells für das nächste Token von denen des Originals entfernt haben.</translation>
    </message>
    <message>
        <source>Compress twice</source>
        <translation>Zweimal komprimieren</translation>
    </message>
    <message>
        <source>Reading a rate–distortion curve</source>
        <translation>Eine Rate-Distortion-Kurve lesen</translation>
    </message>
    <message>
        <source>A sweep repeats this at several rates for several methods: here NWC at %1 bits per weight and round-to-nearest (RTN), the simplest baseline, with codes of %1 bits. The x axis is the rate, bits per weight counted from the bytes written (RTN also pays for its scales); the y axis is the damage, the mean KL divergence from the original in nats, on a log scale. Lower is better, and methods are compared at the same x.</source>
        <translation>Eine Messreihe wiederholt das bei mehreren Raten für mehrere Verfahren: hier NWC mit %1 Bits pro Gewicht und Runden auf den nächsten Wert (RTN), das einfachste Vergleichsverfahren, mit Codes zu %1 Bits. Die x-Achse ist die Rate, Bits pro Gewicht, gezählt aus den geschriebenen Bytes (RTN bezahlt auch für seine Skalen); die y-Achse ist der Schaden, die mittlere KL-Divergenz zum Original in nats, logarithmisch. Niedriger ist besser, und Verfahren werden beim selben x verglichen.</translation>
    </message>
    <message>
        <source>Run the sweep</source>
        <translation>Messreihe ausführen</translation>
    </message>
    <message>
        <source>A small model steered by a large one: α = %1</source>
        <translation>Ein kleines Modell, von einem großen gesteuert: α = %1</translation>
    </message>
    <message>
        <source>Generate with α = %1</source>
        <translation>Mit α = %1 generieren</translation>
    </message>
    <message>
        <source>α = %1: the teacher decides</source>
        <translation>α = %1: Der Lehrer entscheidet</translation>
    </message>
    <message>
        <source>With α = %1, S = p&lt;sub&gt;t&lt;/sub&gt;: the teacher picks each of the first %2 tokens and the student carries on alone. Blue tokens agree with what the student would have chosen, orange ones were flipped by the teacher. Hover a token to see p&lt;sub&gt;s&lt;/sub&gt;, p&lt;sub&gt;t&lt;/sub&gt; and S.</source>
        <translation>Mit α = %1 ist S = p&lt;sub&gt;t&lt;/sub&gt;: Der Lehrer wählt jedes der ersten %2 Tokens, danach fährt der Schüler allein fort. Blaue Tokens stimmen mit der Wahl des Schülers überein, orangefarbene hat der Lehrer umgeschlagen. Zeigen Sie auf ein Token, um p&lt;sub&gt;s&lt;/sub&gt;, p&lt;sub&gt;t&lt;/sub&gt; und S zu sehen.</translation>
    </message>
    <message>
        <source>α = %1: over-trusting the teacher</source>
        <translation>α = %1: dem Lehrer zu sehr vertrauen</translation>
    </message>
    <message>
        <source>α above 1 extrapolates beyond the teacher: S = p&lt;sub&gt;t&lt;/sub&gt; + (α − 1) (p&lt;sub&gt;t&lt;/sub&gt; − p&lt;sub&gt;s&lt;/sub&gt;) amplifies every disagreement between the two models. Where the teacher is sure and right this changes little, but it also inflates the teacher&apos;s own doubts and can favour tokens neither model prefers. Compare the runs: more trust is not automatically better.</source>
        <translation>α über 1 extrapoliert über den Lehrer hinaus: S = p&lt;sub&gt;t&lt;/sub&gt; + (α − 1) (p&lt;sub&gt;t&lt;/sub&gt; − p&lt;sub&gt;s&lt;/sub&gt;) verstärkt jede Meinungsverschiedenheit der beiden Modelle. Wo der Lehrer sicher ist und recht hat, ändert das wenig, aber es bläht auch die eigenen Zweifel des Lehrers auf und kann Tokens bevorzugen, die keins der Modelle will. Vergleichen Sie die Läufe: Mehr Vertrauen ist nicht automatisch besser.</translation>
    </message>
    <message>
        <source>The generation pane runs demo:student alone (left) and steered by demo:teacher (right) on an arithmetic question it has never seen. For the first N = %1 tokens each token is argmax S, with S = p&lt;sub&gt;s&lt;/sub&gt; + α (p&lt;sub&gt;t&lt;/sub&gt; − p&lt;sub&gt;s&lt;/sub&gt;). The prompt asks for the short answer first, so those first tokens are the result&apos;s digits: where the decision comes first, a few steered tokens are enough (the result below names the first token the teacher flipped). α = %2 mixes the two distributions half and half.</source>
        <translation>Der Generierungsbereich zeigt demo:student allein (links) und von demo:teacher gesteuert (rechts) bei einer Rechenaufgabe, die er nie gesehen hat. Für die ersten N = %1 Tokens ist jedes Token argmax S, mit S = p&lt;sub&gt;s&lt;/sub&gt; + α (p&lt;sub&gt;t&lt;/sub&gt; − p&lt;sub&gt;s&lt;/sub&gt;). Der Prompt verlangt zuerst die Kurzantwort, also sind diese ersten Tokens die Ziffern des Ergebnisses: Wo die Entscheidung am Anfang fällt, genügen wenige gesteuerte Tokens (das Ergebnis unten nennt das erste Token, das der Lehrer umschlagen ließ). α = %2 mischt die beiden Verteilungen je zur Hälfte.</translation>
    </message>
</context>
<context>
    <name>nwc::WorkbenchModel</name>
    <message>
        <source>Opening %1</source>
        <translation>Öffne %1</translation>
    </message>
    <message>
        <source>%1 has no tokenizer beside it (tokenizer.json, tokenizer.model, vocab.json + merges.txt or tok*.bin), so it cannot generate text. Its tensors can still be browsed.</source>
        <translation>%1 hat keinen Tokenizer neben sich (tokenizer.json, tokenizer.model, vocab.json + merges.txt oder tok*.bin) und kann daher keinen Text generieren. Seine Tensoren lassen sich trotzdem durchsehen.</translation>
    </message>
    <message>
        <source>The model does not fit in memory for generation. Its tensors can still be browsed.</source>
        <translation>Das Modell passt für die Generierung nicht in den Arbeitsspeicher. Seine Tensoren lassen sich trotzdem durchsehen.</translation>
    </message>
</context>
</TS>
