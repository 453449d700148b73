#pragma once
// Paints a JobListModel row's progress bar and cancel button.

#include <QStyledItemDelegate>

namespace nwc {

/// Draws JobListModel::ProgressColumn as a progress bar and JobListModel::CancelColumn as a push
/// button for cancellable jobs; a click on the button emits cancelClicked().
class JobItemDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit JobItemDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    /// The button's rectangle inside a cancel cell `cell`.
    static QRect buttonRect(const QRect &cell);

Q_SIGNALS:
    void cancelClicked(quint64 jobId);

protected:
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

private:
    QPersistentModelIndex m_pressed;
};

} // namespace nwc
