#include "jobitemdelegate.h"

#include "joblistmodel.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionButton>
#include <QStyleOptionProgressBar>
#include <algorithm>

namespace nwc {

JobItemDelegate::JobItemDelegate(QObject *parent)
    : QStyledItemDelegate(parent) {}

QRect JobItemDelegate::buttonRect(const QRect &cell) {
    return cell.adjusted(3, 2, -3, -2);
}

void JobItemDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const {
    QStyle *style = option.widget ? option.widget->style() : QApplication::style();
    if (index.column() == JobListModel::ProgressColumn) {
        // Background (selection) first, then the bar on top.
        QStyleOptionViewItem background = option;
        initStyleOption(&background, index);
        background.text.clear();
        style->drawControl(QStyle::CE_ItemViewItem, &background, painter, option.widget);

        const double fraction = index.data(JobListModel::FractionRole).toDouble();
        const auto state = JobState(index.data(JobListModel::StateRole).toInt());
        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(3, 3, -3, -3);
        bar.state = option.state | QStyle::State_Horizontal;
        if (state != JobState::Running && state != JobState::Finished)
            bar.state &= ~QStyle::State_Enabled;
        bar.minimum = 0;
        bar.maximum = fraction < 0 && state == JobState::Running ? 0 : 1000;
        bar.progress = fraction < 0 ? -1 : qRound(fraction * 1000);
        bar.text = index.data(Qt::DisplayRole).toString();
        bar.textVisible = true;
        bar.textAlignment = Qt::AlignCenter;
        bar.palette = option.palette;
        if (fraction <= 0 && bar.maximum > 0) // no chunk at all, not a one-pixel sliver
            bar.palette.setColor(QPalette::Highlight, option.palette.color(QPalette::Base));
        bar.fontMetrics = option.fontMetrics;
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
        return;
    }
    if (index.column() == JobListModel::CancelColumn) {
        QStyleOptionViewItem background = option;
        initStyleOption(&background, index);
        background.text.clear();
        style->drawControl(QStyle::CE_ItemViewItem, &background, painter, option.widget);
        if (!index.data(JobListModel::CancellableRole).toBool())
            return;
        QStyleOptionButton button;
        button.rect = buttonRect(option.rect);
        button.text = index.data(Qt::DisplayRole).toString();
        button.state = QStyle::State_Enabled |
                       (m_pressed == index ? QStyle::State_Sunken : QStyle::State_Raised);
        button.palette = option.palette;
        button.fontMetrics = option.fontMetrics;
        style->drawControl(QStyle::CE_PushButton, &button, painter, option.widget);
        return;
    }
    QStyledItemDelegate::paint(painter, option, index);
}

QSize JobItemDelegate::sizeHint(const QStyleOptionViewItem &option,
                                const QModelIndex &index) const {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    const int textHeight = option.fontMetrics.height();
    size.setHeight(std::max(size.height(), textHeight + 10));
    if (index.column() == JobListModel::ProgressColumn)
        size.setWidth(std::max(size.width(),
                               option.fontMetrics.horizontalAdvance(QStringLiteral("100 %")) * 3));
    if (index.column() == JobListModel::CancelColumn)
        size.setWidth(option.fontMetrics.horizontalAdvance(tr("Cancel")) + 28);
    return size;
}

bool JobItemDelegate::editorEvent(QEvent *event, QAbstractItemModel *model,
                                  const QStyleOptionViewItem &option, const QModelIndex &index) {
    if (index.column() != JobListModel::CancelColumn ||
        !index.data(JobListModel::CancellableRole).toBool())
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    if (event->type() != QEvent::MouseButtonPress && event->type() != QEvent::MouseButtonRelease)
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    const auto *mouse = static_cast<QMouseEvent *>(event);
    const bool inside =
        mouse->button() == Qt::LeftButton && buttonRect(option.rect).contains(mouse->pos());
    if (event->type() == QEvent::MouseButtonPress) {
        m_pressed = inside ? QPersistentModelIndex(index) : QPersistentModelIndex();
        return inside;
    }
    const bool clicked = inside && m_pressed == index;
    m_pressed = QPersistentModelIndex();
    if (clicked)
        Q_EMIT cancelClicked(index.data(JobListModel::JobIdRole).toULongLong());
    return clicked;
}

} // namespace nwc
