using System.Globalization;
using Microsoft.AspNetCore.Identity;

namespace Nris.Server.Auth;

/// <summary>
/// ASP.NET Identity's error messages are English only; the pages and problem documents answer in Vietnamese too. This
/// gives each error Nris can meet (password policy, wrong current password, duplicate or bad user name) its Vietnamese
/// text and the request field it concerns. An error not listed keeps Identity's English text in both languages.
/// </summary>
public static class IdentityMessages
{
    /// <summary>The Vietnamese text of <paramref name="error"/>.</summary>
    public static string Vi(IdentityError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code switch
        {
            nameof(IdentityErrorDescriber.PasswordTooShort) => "Mật khẩu quá ngắn" + Count(error.Description, " (ít nhất {0} ký tự).", "."),
            nameof(IdentityErrorDescriber.PasswordRequiresDigit) => "Mật khẩu phải có ít nhất một chữ số (0–9).",
            nameof(IdentityErrorDescriber.PasswordRequiresLower) => "Mật khẩu phải có ít nhất một chữ thường (a–z).",
            nameof(IdentityErrorDescriber.PasswordRequiresUpper) => "Mật khẩu phải có ít nhất một chữ hoa (A–Z).",
            nameof(IdentityErrorDescriber.PasswordRequiresNonAlphanumeric) => "Mật khẩu phải có ít nhất một ký tự không phải chữ hoặc số.",
            nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => "Mật khẩu phải có nhiều ký tự khác nhau hơn" + Count(error.Description, " (ít nhất {0}).", "."),
            nameof(IdentityErrorDescriber.PasswordMismatch) => "Mật khẩu hiện tại không đúng.",
            nameof(IdentityErrorDescriber.DuplicateUserName) => "Tên đăng nhập này đã có người dùng.",
            nameof(IdentityErrorDescriber.InvalidUserName) => "Tên đăng nhập chỉ được gồm chữ cái không dấu, chữ số và các ký tự - . _ @ +.",
            nameof(IdentityErrorDescriber.InvalidToken) => "Mã không hợp lệ hoặc đã hết hạn.",
            nameof(IdentityErrorDescriber.ConcurrencyFailure) => "Tài khoản vừa được thay đổi ở nơi khác; hãy thử lại.",
            _ => error.Description,
        };
    }

    /// <summary>The request field <paramref name="error"/> is about, for a change of password.</summary>
    public static string PasswordField(IdentityError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code == nameof(IdentityErrorDescriber.PasswordMismatch) ? "currentPassword" : "newPassword";
    }

    // The first number in Identity's English text ("Passwords must be at least 12 characters."), so the Vietnamese
    // says the same limit without repeating the configuration here.
    private static string Count(string english, string format, string otherwise)
    {
        var digits = new string([.. english.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit)]);
        return digits.Length > 0 ? string.Format(CultureInfo.InvariantCulture, format, digits) : otherwise;
    }
}
