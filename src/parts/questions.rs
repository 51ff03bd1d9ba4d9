//! «Spørsmål og svar» / "Questions and answers": the questions readers ask,
//! each answered in a few paragraphs of Markdown. Each pair folds open on its
//! own, so a phone shows the questions first.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{ExplainerPart, ViewCx};
use crate::cms::field::{Field, Widget};
use crate::content::FileCx;
use crate::i18n::Language;

pub struct Questions;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionsFields {
    #[serde(default)]
    questions: Vec<Spanned<QuestionFields>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionFields {
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    answer: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub question: String,
    /// Markdown, paragraphs and lists allowed.
    pub answer: String,
}

#[derive(Debug, Serialize)]
pub struct QuestionView {
    pub question: String,
    /// The answer as HTML.
    pub answer: String,
}

/// Checks `[[questions]]` as written in an article or a background entry.
pub fn check_questions(list: &[Spanned<QuestionFields>], file: &mut FileCx) -> Vec<Question> {
    let mut kept = Vec::new();
    for pair in list {
        let head = file.first_line(pair);
        let fields = pair.get_ref();
        let question = file.required(
            fields.question.as_ref(),
            "a question has no `question`",
            head.clone(),
            "add question = \"…\": the question as a reader would ask it",
        );
        let answer = file.required(
            fields.answer.as_ref(),
            "a question has no `answer`",
            head,
            "add answer = \"…\" (Markdown; use \"\"\"…\"\"\" for several paragraphs)",
        );
        if let (Some(question), Some(answer)) = (question, answer) {
            kept.push(Question {
                question: question.trim().to_string(),
                answer,
            });
        }
    }
    kept
}

/// The pairs as templates show them, or `None` when there are none.
pub fn questions_view(questions: &[Question], cx: &mut ViewCx) -> Option<Vec<QuestionView>> {
    (!questions.is_empty()).then(|| {
        questions
            .iter()
            .map(|pair| QuestionView {
                question: cx.text(&pair.question),
                answer: cx.markdown(&pair.answer),
            })
            .collect()
    })
}

impl ExplainerPart for Questions {
    const FIELDS: &'static [&'static str] = &["questions"];
    const MARKERS: &'static [&'static str] = &["sporsmal_og_svar", "questions"];
    const EXAMPLE_TABLES: &'static str = "\
# [[questions]]                      # «Spørsmål og svar», one block per question
# question = \"Hvorfor nå?\"           # required
# answer = \"\"\"Svaret i Markdown.\"\"\"  # required; several paragraphs allowed
";

    type Fields = QuestionsFields;
    type Item = Vec<Question>;
    const ON_ITS_PAGE_ONLY: bool = true;
    type View = Vec<QuestionView>;

    fn check(fields: QuestionsFields, file: &mut FileCx) -> Vec<Question> {
        check_questions(&fields.questions, file)
    }

    fn view(questions: &Vec<Question>, cx: &mut ViewCx) -> Option<Vec<QuestionView>> {
        questions_view(questions, cx)
    }

    fn cms_fields() -> Vec<Field> {
        vec![Field::new(
            "questions",
            (Self::heading(Language::Nb), Self::heading(Language::En)),
            Widget::Tables(vec![
                Field::new("question", ("Spørsmål", "Question"), Widget::Line).required(),
                Field::new("answer", ("Svar", "Answer"), Widget::Markdown).required(),
            ]),
        )]
    }

    fn heading(language: Language) -> &'static str {
        heading(language)
    }
}

/// The heading, also for a background entry's questions.
pub fn heading(language: Language) -> &'static str {
    match language {
        Language::Nb => "Spørsmål og svar",
        Language::En => "Questions and answers",
    }
}
